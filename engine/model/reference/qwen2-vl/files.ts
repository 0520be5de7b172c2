// Writes the files of a Qwen2-VL reference folder: the onnx-community/Qwen2-VL-2B-Instruct
// layout (config, generation, preprocessor, tokenizer and chat template JSON files,
// onnx/vision_encoder.onnx, onnx/embed_tokens.onnx, onnx/decoder_model_merged.onnx).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildEmbedGraph } from '../embed-graph';
import { writeGraph, writeJson } from '../graph-files';
import {
  qwen2VlChatTemplateJson,
  qwen2VlConfigJson,
  qwen2VlGenerationConfigJson,
  qwen2VlPreprocessorConfigJson,
  qwen2VlSpecialTokensMapJson,
  qwen2VlTokenizerConfigJson,
} from './config-files';
import { buildQwen2VlDecoderGraph } from './decoder-graph';
import type { Qwen2VlPreset } from './presets';
import { buildQwen2VlTokenizer } from './tokenizer';
import { buildQwen2VlVisionGraph } from './vision-graph';

/** Writes every file into `dir` (which must exist); returns their relative paths. */
export function writeQwen2VlModelFiles(dir: string, preset: Qwen2VlPreset, seed: number): string[] {
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const tokenizer = buildQwen2VlTokenizer(preset.tokenizerSize);
  return [
    writeJson(dir, 'config.json', qwen2VlConfigJson(preset, tokenizer)),
    writeJson(dir, 'generation_config.json', qwen2VlGenerationConfigJson(tokenizer)),
    writeJson(dir, 'preprocessor_config.json', qwen2VlPreprocessorConfigJson(preset)),
    writeJson(dir, 'chat_template.json', qwen2VlChatTemplateJson()),
    writeJson(dir, 'special_tokens_map.json', qwen2VlSpecialTokensMapJson()),
    writeJson(dir, 'tokenizer.json', tokenizer.json),
    writeJson(dir, 'tokenizer_config.json', qwen2VlTokenizerConfigJson(preset, tokenizer)),
    ...writeGraph(
      dir,
      'vision_encoder',
      buildQwen2VlVisionGraph,
      preset,
      seed,
      preset.externalData,
    ),
    // The SmolVLM reference's graph (a Gather on the table); external with the 2B shape,
    // whose float32 table (151936 x 1536) is 933 MB.
    ...writeGraph(dir, 'embed_tokens', buildEmbedGraph, preset, seed, preset.externalData),
    ...writeGraph(
      dir,
      'decoder_model_merged',
      buildQwen2VlDecoderGraph,
      preset,
      seed,
      preset.externalData,
    ),
  ];
}
