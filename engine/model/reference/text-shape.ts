// The text decoder's sizes, shared by both families' presets (presets.ts, qwen2-vl/presets.ts).
export interface TextShape {
  numLayers: number;
  hiddenSize: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  intermediateSize: number;
  vocabSize: number;
  maxPositions: number;
  ropeTheta: number;
  rmsNormEps: number;
}
