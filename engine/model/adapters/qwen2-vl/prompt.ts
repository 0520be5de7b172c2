// The pieces of Qwen2-VL's chat template (chat_template.json) that stand for images and
// videos. The template writes one placeholder per item:
//   <|vision_start|><|image_pad|><|vision_end|>   or   <|vision_start|><|video_pad|><|vision_end|>
// and the processor then repeats the pad token once per merged token the vision encoder
// emits for that item: t * h * w / merge² for grid_thw [t, h, w] (merge 2).
// A user turn, with the default system turn the template adds when none is given:
//   <|im_start|>system\nYou are a helpful assistant.<|im_end|>\n
//   <|im_start|>user\n{content}<|im_end|>\n<|im_start|>assistant\n
import type { GridThw } from './positions';
import { DEFAULT_MERGE_SIZE, visionTokenCount } from './positions';

export const VISION_START = '<|vision_start|>';
export const VISION_END = '<|vision_end|>';
export const IMAGE_PAD = '<|image_pad|>';
export const VIDEO_PAD = '<|video_pad|>';

export type VisionKind = 'image' | 'video';

const PAD: Record<VisionKind, string> = { image: IMAGE_PAD, video: VIDEO_PAD };

/** The template's placeholder for one item, before expansion (one pad token). */
export function visionPlaceholder(kind: VisionKind): string {
  return `${VISION_START}${PAD[kind]}${VISION_END}`;
}

/** One item's text with its pad token repeated t * h * w / merge² times. */
export function expandVisionText(
  kind: VisionKind,
  grid: GridThw,
  mergeSize = DEFAULT_MERGE_SIZE,
): string {
  return `${VISION_START}${PAD[kind].repeat(visionTokenCount(grid, mergeSize))}${VISION_END}`;
}

/**
 * Expands every single pad token in `text` (as the template leaves them) in order: the
 * k-th `<|image_pad|>` takes imageGrids[k], the k-th `<|video_pad|>` videoGrids[k].
 * Throws when the counts of placeholders and grids differ.
 */
export function expandVisionPads(
  text: string,
  imageGrids: readonly GridThw[] = [],
  videoGrids: readonly GridThw[] = [],
  mergeSize = DEFAULT_MERGE_SIZE,
): string {
  const used = { image: 0, video: 0 };
  const grids = { image: imageGrids, video: videoGrids };
  const out = text.replace(/<\|(image|video)_pad\|>/g, (_, which: string) => {
    const kind = which as VisionKind;
    const grid = grids[kind][used[kind]++];
    if (!grid) throw new Error(`the prompt has more ${kind} placeholders than ${kind} grids`);
    return PAD[kind].repeat(visionTokenCount(grid, mergeSize));
  });
  for (const kind of ['image', 'video'] as const)
    if (used[kind] !== grids[kind].length)
      throw new Error(
        `${grids[kind].length} ${kind} grids given for ${used[kind]} ${kind} placeholders`,
      );
  return out;
}

export const DEFAULT_SYSTEM = 'You are a helpful assistant.';

/** One user turn and the assistant's opening, as the template writes them. */
export function userTurn(content: string, system: string = DEFAULT_SYSTEM): string {
  return (
    `<|im_start|>system\n${system}<|im_end|>\n` +
    `<|im_start|>user\n${content}<|im_end|>\n<|im_start|>assistant\n`
  );
}
