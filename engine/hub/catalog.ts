// Models `vlm model pull` and the editor offer by name. Only repositories whose ONNX layout
// (onnx/vision_encoder*, embed_tokens*, decoder_model_merged* with dtype suffixes, and their
// external weights `<file>.onnx_data*` where there are any) was checked on the Hub's own
// pages are listed; sizes are the sums of the three parts per dtype as those pages show
// them (MB = 10^6 bytes), for "about how big" messages only: the pull itself takes sizes
// from the Hub's tree listing. A dtype whose files the pages did not all show has no size.

export type CatalogDtype = 'fp32' | 'fp16' | 'q8' | 'q4';

export interface CatalogEntry {
  repo: string;
  title: string;
  trainedOnVideo: boolean;
  sizes: Partial<Record<CatalogDtype, number>>;
}

const MB = 1e6;

export const MODEL_CATALOG: readonly CatalogEntry[] = [
  {
    // Files and sizes: https://huggingface.co/HuggingFaceTB/SmolVLM2-256M-Video-Instruct/tree/7250429945d8016c21bedae06e1be62646b64181/onnx
    // (decoder_model_merged 541 / _fp16 271 / _quantized 138 MB; embed_tokens 114 / _fp16 56.8 MB),
    // .../blob/refs%2Fpr%2F5/onnx/embed_tokens_quantized.onnx (28.4 MB),
    // .../blob/eb77138efc07c564480573b859108199a1d66f2c/onnx/vision_encoder.onnx (374 MB),
    // .../blob/refs%2Fpr%2F5/onnx/vision_encoder_fp16.onnx (187 MB),
    // .../blob/eb77138efc07c564480573b859108199a1d66f2c/onnx/vision_encoder_quantized.onnx (94.2 MB).
    // Its q4 vision and embedding file sizes were not on the stored pages, so q4 has no size here.
    repo: 'HuggingFaceTB/SmolVLM2-256M-Video-Instruct',
    title: 'SmolVLM2 256M Video Instruct (smallest SmolVLM trained on video)',
    trainedOnVideo: true,
    sizes: {
      fp32: (374 + 114 + 541) * MB,
      fp16: (187 + 56.8 + 271) * MB,
      q8: (94.2 + 28.4 + 138) * MB,
    },
  },
  {
    // Files and sizes: https://huggingface.co/HuggingFaceTB/SmolVLM-256M-Instruct/tree/acc054744d60adea9d88214dab6e2219e6e512a7/onnx
    // (decoder_model_merged_fp16 271 MB, _int8 = _quantized 138 MB),
    // .../blob/ab233b748a507d878b19ab31294cf257a47439bd/onnx/vision_encoder_fp16.onnx (187 MB),
    // .../blob/acc054744d60adea9d88214dab6e2219e6e512a7/onnx/vision_encoder_int8.onnx (94.2 MB),
    // .../blob/refs%2Fpr%2F3/onnx/embed_tokens_fp16.onnx (56.8 MB),
    // .../blob/acc054744d60adea9d88214dab6e2219e6e512a7/onnx/embed_tokens_int8.onnx (28.4 MB).
    // q8 is summed from the _int8 files (the _quantized ones the loader prefers are listed at the
    // same size for the decoder); fp32 and q4 vision sizes were not on the stored pages.
    repo: 'HuggingFaceTB/SmolVLM-256M-Instruct',
    title: 'SmolVLM 256M Instruct (images)',
    trainedOnVideo: false,
    sizes: { fp16: (187 + 56.8 + 271) * MB, q8: (94.2 + 28.4 + 138) * MB },
  },
  {
    // Layout: https://huggingface.co/onnx-community/Qwen2-VL-2B-Instruct (model card: ONNX
    // weights for transformers.js's Qwen2VLForConditionalGeneration, which loads
    // vision_encoder, embed_tokens and decoder_model_merged) and .../tree/main (root files;
    // config.json model_type qwen2_vl, flat, no text_config). The weights live in external
    // data files next to each graph, which the pull fetches with it:
    // .../blob/main/onnx/decoder_model_merged.onnx_data (6.17 GB),
    // .../blob/main/onnx/decoder_model_merged_fp16.onnx_data (3.09 GB),
    // .../blob/main/onnx/vision_encoder_q4.onnx_data (2.66 GB),
    // .../blob/f2780c49a3f51a1abbb50828d52ba4f7b030920b/onnx/vision_encoder_bnb4.onnx (1.69 MB,
    // the graph alone). The onnx/ listing, the embed_tokens files and the other sizes were
    // not on the stored pages, so no dtype has a total here. Trained on video: Qwen2-VL's
    // M-RoPE has a temporal component and its chat template a <|video_pad|>. The engine
    // loads it only once the qwen2_vl adapter is in (docs/qwen2-vl.md).
    repo: 'onnx-community/Qwen2-VL-2B-Instruct',
    title: 'Qwen2-VL 2B Instruct (trained on video; far larger than SmolVLM)',
    trainedOnVideo: true,
    sizes: {},
  },
];

/** The smallest SmolVLM trained on video: what the first `vlm ask` pulls when no model is installed. */
export const DEFAULT_MODEL_REPO = 'HuggingFaceTB/SmolVLM2-256M-Video-Instruct';

export function catalogEntry(repo: string): CatalogEntry | undefined {
  return MODEL_CATALOG.find((e) => e.repo === repo);
}
