// The reference model generator: a SmolVLM-layout ONNX vision-language model with
// deterministic weights, generated on demand (see docs/model.md, "Reference model").
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
  imageSeqLen,
  isReferencePresetName,
  kvBytesPerToken,
  referencePreset,
  type ReferencePreset,
  type ReferencePresetName,
} from './presets';
export {
  REFERENCE_VARIANTS,
  VARIANT_SUFFIX,
  writeReferenceVariant,
  type ReferenceVariant,
} from './variants';
