// The real exports' variants, made from a generated folder's float32 graphs with the same
// weights: `q8` (onnx/*_quantized.onnx: DynamicQuantizeLinear + MatMulInteger), `q4`
// (onnx/*_q4.onnx: MatMulNBits), `fp16` (onnx/*_fp16.onnx: float16 weights behind float32
// inputs and outputs, as the re-uploaded fp16 decoders), and `smolvlm` (the SmolVLM2
// folder layout: model_type smolvlm, the chat template in chat_template.json only), and
// `rope-interleaved` (the decoder rebuilt with interleaved RoPE pairs, same weights: a
// rotary layout the engine's key re-rotation does not assume).
// Variant graphs keep every weight inside the .onnx file, as the Hub's quantized files do.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHalf } from '../tensors';
import { InitializerReader } from '../onnx/initializers';
import { readOnnxModel, writeOnnxModel, type OnnxModel } from '../onnx/model-io';
import { quantizeDynamicInt8, quantizeMatMulNBits } from '../onnx/quantize';
import { useFloat16Weights } from '../onnx/float16-weights';
import { TensorDataType } from '../onnx/schema';
import { buildDecoderGraph } from './decoder-graph';
import { writeGraph } from './generator';
import { MANIFEST_FILE, readReferenceManifest } from './manifest';
import { referencePreset } from './presets';
import { isQwen2VlPresetName } from './qwen2-vl/presets';

export const REFERENCE_VARIANTS = ['q8', 'q4', 'fp16', 'smolvlm', 'rope-interleaved'] as const;
export type ReferenceVariant = (typeof REFERENCE_VARIANTS)[number];

type GraphVariant = Exclude<ReferenceVariant, 'smolvlm' | 'rope-interleaved'>;

/** The file-name suffix the Hub repos (and transformers.js) use for each dtype. */
export const VARIANT_SUFFIX: Record<GraphVariant, string> = {
  q8: '_quantized',
  q4: '_q4',
  fp16: '_fp16',
};

const PARTS = ['vision_encoder', 'embed_tokens', 'decoder_model_merged'] as const;
/** The decoder's rotary angle nodes, kept float32 in the fp16 variant (see float16-weights.ts). */
const ROTARY_SCOPE = '/model/rotary_emb/';

/** Weights left in an external file are read into the model, so the variant is one file. */
function inlineFloats(model: OnnxModel, reader: InitializerReader): void {
  for (const tensor of model.graph.initializer ?? []) {
    if (!tensor.external_data?.length || tensor.data_type !== TensorDataType.FLOAT) continue;
    tensor.raw_data = new Uint8Array(reader.floats(tensor).buffer);
    delete tensor.external_data;
    tensor.data_location = 0;
  }
}

function transform(model: OnnxModel, reader: InitializerReader, variant: GraphVariant): void {
  if (variant === 'q8') quantizeDynamicInt8(model, reader);
  else if (variant === 'q4') quantizeMatMulNBits(model, reader);
  else useFloat16Weights(model, reader, toHalf, (node) => node.name.startsWith(ROTARY_SCOPE));
  inlineFloats(model, reader);
}

/** Writes onnx/<part><suffix>.onnx for the three parts; returns their relative paths. */
function writeGraphVariant(dir: string, variant: GraphVariant): string[] {
  return PARTS.map((part) => {
    const model = readOnnxModel(join(dir, 'onnx', `${part}.onnx`));
    const reader = new InitializerReader(join(dir, 'onnx'));
    try {
      transform(model, reader, variant);
    } finally {
      reader.close();
    }
    const file = `onnx/${part}${VARIANT_SUFFIX[variant]}.onnx`;
    writeOnnxModel(join(dir, file), model);
    return file;
  });
}

type Json = Record<string, unknown>;

function editJson(dir: string, file: string, edit: (json: Json) => void): string {
  const path = join(dir, file);
  const json = JSON.parse(readFileSync(path, 'utf8')) as Json;
  edit(json);
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
  return file;
}

/** SmolVLM2's layout: model_type smolvlm, SmolVLM processor classes, chat_template.json. */
function writeSmolVlmLayout(dir: string): string[] {
  let template: unknown;
  const files = [
    editJson(dir, 'tokenizer_config.json', (config) => {
      template = config.chat_template;
      delete config.chat_template;
    }),
    editJson(dir, 'config.json', (config) => {
      config.model_type = 'smolvlm';
      config.architectures = ['SmolVLMForConditionalGeneration'];
      (config.vision_config as Json).model_type = 'smolvlm_vision';
    }),
    editJson(dir, 'processor_config.json', (config) => {
      config.processor_class = 'SmolVLMProcessor';
    }),
    editJson(dir, 'preprocessor_config.json', (config) => {
      config.image_processor_type = 'SmolVLMImageProcessor';
      config.processor_class = 'SmolVLMProcessor';
      const tile = (config.max_image_size as { longest_edge: number }).longest_edge;
      config.video_sampling = { fps: 1, max_frames: 64, video_size: { longest_edge: tile } };
    }),
  ];
  writeFileSync(
    join(dir, 'chat_template.json'),
    `${JSON.stringify({ chat_template: template }, null, 2)}\n`,
  );
  return [...files, 'chat_template.json'];
}

/** Rebuilds onnx/decoder_model_merged.onnx with interleaved RoPE, from the folder's preset and seed. */
function writeInterleavedRope(dir: string): string[] {
  const manifest = readReferenceManifest(dir);
  if (!manifest) throw new Error(`${dir}: not a generated reference model (no ${MANIFEST_FILE})`);
  const preset = referencePreset(manifest.preset);
  return writeGraph(
    dir,
    'decoder_model_merged',
    (p, seed, store) => buildDecoderGraph(p, seed, store, 'interleaved'),
    preset,
    manifest.seed,
    preset.externalData,
  );
}

/**
 * Adds a variant to a generated reference folder (in place); returns the files written or
 * changed. Graph variants read the float32 graphs, so they must still be there.
 */
export function writeReferenceVariant(dir: string, variant: ReferenceVariant): string[] {
  if (!(REFERENCE_VARIANTS as readonly string[]).includes(variant))
    throw new Error(
      `unknown reference variant "${variant}"; expected one of ${REFERENCE_VARIANTS.join(', ')}`,
    );
  const preset = readReferenceManifest(dir)?.preset;
  if (
    (variant === 'smolvlm' || variant === 'rope-interleaved') &&
    preset &&
    isQwen2VlPresetName(preset)
  )
    throw new Error(`the ${variant} variant is for SmolVLM-layout folders; ${dir} is ${preset}`);
  if (variant === 'smolvlm') return writeSmolVlmLayout(dir);
  if (variant === 'rope-interleaved') return writeInterleavedRope(dir);
  return writeGraphVariant(dir, variant);
}
