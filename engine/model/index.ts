// The model runtime's public surface: load a Hugging Face ONNX vision-language model
// folder, validate one, and the types callers need.
export type * from './contract';
export { loadModel, ModelLoadError } from './loader';
export { validateModelFolder, type LoadOptions, type ValidationReport } from './open';
export { VisionLanguageModel, type PromptRequest, type PreparedPrompt } from './model';
export { emptyKvCache } from './decoder';
export type { GenerateOptions, GenerationInput, GenerationResult, StreamedToken } from './generate';
export type { SamplingOptions } from './sampling';
export type { ChatMessage, ModelTokenizer } from './tokenizer';
export type { ImageInput, RgbImage } from './image-input';
export type { ProcessedImage, ImageProcessor } from './adapters/types';
export { DTYPE_CHOICES, MODEL_DTYPES, type DtypeChoice, type ModelDtype } from './folder';
