// Shared by the variant tests: one tiny reference folder per test file with the q8, q4
// and fp16 variants written next to its float32 graphs, greedy decoding helpers, and the
// transformers.js import. Not a test file itself.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyKvCache, type VisionLanguageModel } from '../../../../engine/model';
import { argmax } from '../../../../engine/model/sampling';
import { writeReferenceVariant, type ReferenceVariant } from '../../../../engine/model/reference';
import { tinyModelDir } from '../tiny-model';

export const REAL = join(__dirname, '..', '..', '..', 'fixtures', 'real');

/** A private copy of the tiny model with the given variants written into it. */
export async function variantFolder(
  variants: ReferenceVariant[],
): Promise<{ dir: string; cleanup(): void }> {
  const root = mkdtempSync(join(tmpdir(), 'vlm-variants-'));
  const dir = join(root, 'tiny');
  cpSync(await tinyModelDir(), dir, { recursive: true });
  for (const variant of variants) writeReferenceVariant(dir, variant);
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Greedy tokens from `model` for a prompt given as embeddings (free running). */
export async function greedy(
  model: VisionLanguageModel,
  embeds: Float32Array,
  steps: number,
): Promise<number[]> {
  const out = await model.generate({ embeds }, { maxNewTokens: steps, stopTokenIds: [] });
  return out.tokenIds;
}

/**
 * Teacher-forced agreement: the prompt plus `reference` tokens are run through `model` in
 * one pass, and step i agrees when the model's argmax after token i-1 is reference[i].
 * Each step is judged on the same context, so one early disagreement does not decide the rest.
 */
export async function agreementShare(
  model: VisionLanguageModel,
  promptEmbeds: Float32Array,
  reference: number[],
): Promise<number> {
  const { hiddenSize, vocabSize, numLayers } = model.spec;
  const tokens = await model.embedTokens(reference.slice(0, -1));
  const embeds = new Float32Array(promptEmbeds.length + tokens.length);
  embeds.set(promptEmbeds);
  embeds.set(tokens, promptEmbeds.length);
  const n = embeds.length / hiddenSize;
  const promptLength = promptEmbeds.length / hiddenSize;
  const out = await model.decode({
    inputsEmbeds: embeds,
    positionIds: Array.from({ length: n }, (_, i) => i),
    past: emptyKvCache(numLayers),
  });
  let same = 0;
  reference.forEach((token, i) => {
    const row = promptLength - 1 + i;
    const logits = out.logits.subarray(row * vocabSize, (row + 1) * vocabSize);
    if (argmax(logits) === token) same++;
  });
  return same / reference.length;
}

export type Transformers = typeof import('@huggingface/transformers');

export async function transformersJs(modelDir: string): Promise<Transformers> {
  const tf = await import('@huggingface/transformers');
  tf.env.allowRemoteModels = false;
  tf.env.allowLocalModels = true;
  tf.env.localModelPath = join(modelDir, '..');
  return tf;
}
