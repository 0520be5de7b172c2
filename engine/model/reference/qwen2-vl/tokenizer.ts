// A byte-level BPE tokenizer laid out like Qwen2-VL's: the BPE vocabulary first (ids
// 0 .. base-1: the 256 byte tokens, then merges), then the 14 special tokens in Qwen2-VL's
// order, <|endoftext|> at `base` (151643 with the 2B shape, where every id below is Qwen2-VL's
// own). The embedding table has more rows than the tokenizer has ids, as Qwen2-VL pads its
// 151657 ids to vocab_size 151936. The pre-tokenizer is GPT-2's ByteLevel split (Qwen2's
// tokenizer.json uses its own split regex and NFC first; the reference does not need them).
import { bpeVocabulary, byteLevelTokenizerJson } from '../tokenizer-builder';

/** Qwen2-VL's added tokens, in id order from <|endoftext|> (151643). */
export const QWEN2_VL_SPECIAL_TOKENS = [
  '<|endoftext|>',
  '<|im_start|>',
  '<|im_end|>',
  '<|object_ref_start|>',
  '<|object_ref_end|>',
  '<|box_start|>',
  '<|box_end|>',
  '<|quad_start|>',
  '<|quad_end|>',
  '<|vision_start|>',
  '<|vision_end|>',
  '<|vision_pad|>',
  '<|image_pad|>',
  '<|video_pad|>',
] as const;

export interface Qwen2VlSpecialTokens {
  endOfText: number;
  imStart: number;
  imEnd: number;
  visionStart: number;
  visionEnd: number;
  visionPad: number;
  imagePad: number;
  videoPad: number;
}

export interface Qwen2VlTokenizer {
  json: Record<string, unknown>;
  special: Qwen2VlSpecialTokens;
  /** id -> content of every added (special) token. */
  addedTokens: Map<number, string>;
}

/** tokenizer.json with exactly `size` ids (BPE vocabulary, then the special tokens). */
export function buildQwen2VlTokenizer(size: number): Qwen2VlTokenizer {
  const base = size - QWEN2_VL_SPECIAL_TOKENS.length;
  const { vocab, merges } = bpeVocabulary(base, []);
  const addedTokens = new Map<number, string>();
  QWEN2_VL_SPECIAL_TOKENS.forEach((token, i) => addedTokens.set(base + i, token));
  const id = (token: (typeof QWEN2_VL_SPECIAL_TOKENS)[number]) =>
    base + QWEN2_VL_SPECIAL_TOKENS.indexOf(token);
  return {
    json: byteLevelTokenizerJson(vocab, merges, addedTokens),
    addedTokens,
    special: {
      endOfText: id('<|endoftext|>'),
      imStart: id('<|im_start|>'),
      imEnd: id('<|im_end|>'),
      visionStart: id('<|vision_start|>'),
      visionEnd: id('<|vision_end|>'),
      visionPad: id('<|vision_pad|>'),
      imagePad: id('<|image_pad|>'),
      videoPad: id('<|video_pad|>'),
    },
  };
}
