// The reference model generator: a SmolVLM- or Qwen2-VL-layout ONNX vision-language model
// with deterministic weights, generated on demand (see docs/model.md, "Reference model").
export { ensureReferenceModel, referenceModelDir } from './cache';
export { CHAT_TEMPLATE } from './config-files';
export { generateReferenceModel, type GenerateOptions, type GeneratedModel } from './generator';
export {
  DEFAULT_SEED,
  GENERATOR_VERSION,
  MANIFEST_FILE,
  isReferenceModel,
  readReferenceManifest,
  type ReferenceManifest,
} from './manifest';
export {
  REFERENCE_PRESETS,
  SMOLVLM_REFERENCE_PRESETS,
  anyReferencePreset,
  imageSeqLen,
  isReferencePresetName,
  isSmolVlmPresetName,
  kvBytesPerToken,
  referencePreset,
  type ReferencePreset,
  type AnyReferencePreset,
  type ReferencePresetName,
  type SmolVlmPresetName,
} from './presets';
export {
  QWEN2_VL_REFERENCE_PRESETS,
  isQwen2VlPresetName,
  qwen2VlPreset,
  type Qwen2VlPreset,
  type Qwen2VlPresetName,
} from './qwen2-vl/presets';
export {
  REFERENCE_VARIANTS,
  VARIANT_SUFFIX,
  writeReferenceVariant,
  type ReferenceVariant,
} from './variants';
