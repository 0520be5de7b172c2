// SmolVLM2 (model_type smolvlm): Idefics3's graphs, tokens and image processor, plus the
// video template of transformers' SmolVLMProcessor, which the model was trained on:
//   "You are provided the following series of {N} frames from a {H:MM:SS} [H:MM:SS] video.\n"
//   then per frame "\nFrame from {MM:SS}:" + one global image, then "\n\n" before the text.
// A stream encodes its intro before any frame exists, so N and the duration are not known
// then; the intro keeps the processor's sentence without the two.
import { idefics3Adapter } from '../idefics3/adapter';
import type { ModelAdapter, VideoPrompt } from '../types';

/** MM:SS as the processor writes frame times (minutes are not wrapped into hours). */
export function frameTimestamp(timeSec: number): string {
  const s = Math.max(0, Math.floor(timeSec));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 60))}:${pad(s % 60)}`;
}

export const SMOLVLM_VIDEO_PROMPT: VideoPrompt = {
  intro: 'You are provided the following series of frames from a video.\n',
  frame: (timeSec) => `\nFrame from ${frameTimestamp(timeSec)}:${idefics3Adapter.imagePlaceholder}`,
  outro: '\n\n',
};

export const smolvlmAdapter: ModelAdapter = {
  ...idefics3Adapter,
  modelTypes: ['smolvlm'],
  videoPrompt: SMOLVLM_VIDEO_PROMPT,
};
