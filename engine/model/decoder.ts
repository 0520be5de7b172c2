// Runs the merged decoder for one DecoderStep: builds the feeds from the flat KvCache
// of the contract, reads logits and present.* back into a KvCache. With withQueries, a
// second session (opened lazily from a copy of the graph with each layer's q_proj output
// added as a graph output) returns the pre-RoPE queries. When that copy cannot be made
// (a graph named otherwise), one warning says so and steps run without queries, so
// retrieval falls back to the question's keys instead of failing on every frame.
import type * as ort from 'onnxruntime-node';
import type { ManagedSession, SessionFactory } from '../runtime/sessions';
import type { DecoderOutput, DecoderStep, KvCache, LayerKv, TextModelSpec } from './contract';
import type { ChosenOnnxFile } from './folder';
import { ioType } from './io-types';
import { isOneDimensional, positionCount, positionRows, type PositionIds } from './positions';
import { openQuerySession } from './query-outputs';
import {
  boolTensor,
  floatTensor,
  int64Tensor,
  onesInt64Tensor,
  readFloats,
  type FloatType,
} from './tensors';

export class DecoderRunner {
  private querySession?: Promise<{ managed: ManagedSession; outputNames: string[] }>;
  /** Why query outputs cannot be had, once that is known. */
  private queriesUnavailable?: string;
  private readonly hasCacheBranch: boolean;
  private readonly logitsToKeepInput?: string;

  constructor(
    private readonly main: ManagedSession,
    private readonly file: ChosenOnnxFile,
    private readonly spec: TextModelSpec,
    private readonly factory: SessionFactory,
    private readonly warn: (message: string) => void = () => undefined,
  ) {
    const inputs = main.session.inputNames;
    this.hasCacheBranch = inputs.includes('use_cache_branch');
    this.logitsToKeepInput = inputs.find(
      (n) => n === 'logits_to_keep' || n === 'num_logits_to_keep',
    );
  }

  /** Each input's float type from the session's metadata (see io-types.ts). */
  private typeOf(input: string): FloatType {
    return ioType(this.file, input);
  }

  private feeds(step: DecoderStep): Record<string, ort.Tensor> {
    const { hiddenSize, numKvHeads, headDim, numLayers } = this.spec;
    const n = positionCount(step.positionIds);
    if (step.inputsEmbeds.length !== n * hiddenSize)
      throw new Error(
        `decoder step: inputsEmbeds has ${step.inputsEmbeds.length} values, expected ${n} tokens x ${hiddenSize}`,
      );
    if (step.past.layers.length !== numLayers)
      throw new Error(
        `decoder step: past has ${step.past.layers.length} layers, expected ${numLayers}`,
      );
    const p = step.past.length;
    const feeds: Record<string, ort.Tensor> = {
      inputs_embeds: floatTensor(this.typeOf('inputs_embeds'), step.inputsEmbeds, [
        1,
        n,
        hiddenSize,
      ]),
      attention_mask: onesInt64Tensor(p + n),
      position_ids: this.positionTensor(step.positionIds, n),
    };
    const kvDims = [1, numKvHeads, p, headDim];
    step.past.layers.forEach((layer, i) => {
      const key = `past_key_values.${i}.key`;
      const value = `past_key_values.${i}.value`;
      feeds[key] = floatTensor(this.typeOf(key), layer.key, kvDims);
      feeds[value] = floatTensor(this.typeOf(value), layer.value, kvDims);
    });
    if (this.hasCacheBranch) feeds.use_cache_branch = boolTensor(1, [1], p > 0);
    if (this.logitsToKeepInput)
      feeds[this.logitsToKeepInput] = int64Tensor([step.lastLogitsOnly ? 1 : n], []);
    return feeds;
  }

  /** [1, n] for 1-D RoPE; [3, 1, n] (temporal, height, width) for multimodal RoPE. */
  private positionTensor(ids: PositionIds, n: number): ort.Tensor {
    if (this.spec.rope.mropeSection) return int64Tensor(positionRows(ids).flat(), [3, 1, n]);
    if (!isOneDimensional(ids))
      throw new Error('decoder step: three-component positions given to a 1-D RoPE decoder');
    return int64Tensor(positionRows(ids)[0], [1, n]);
  }

  private readPresent(outputs: ort.InferenceSession.OnnxValueMapType, length: number): KvCache {
    const layers: LayerKv[] = [];
    for (let i = 0; i < this.spec.numLayers; i++)
      layers.push({
        key: readFloats(outputs[`present.${i}.key`] as ort.Tensor),
        value: readFloats(outputs[`present.${i}.value`] as ort.Tensor),
      });
    return { layers, length };
  }

  private lastRow(logits: Float32Array, n: number): Float32Array {
    const vocab = this.spec.vocabSize;
    return logits.length === vocab ? logits : logits.slice((n - 1) * vocab, n * vocab);
  }

  /** [1, n, heads*headDim] -> [heads, n, headDim]. */
  private splitHeads(q: Float32Array, n: number): Float32Array {
    const { numHeads, headDim } = this.spec;
    const out = new Float32Array(q.length);
    for (let t = 0; t < n; t++)
      for (let h = 0; h < numHeads; h++)
        out.set(
          q.subarray((t * numHeads + h) * headDim, (t * numHeads + h + 1) * headDim),
          (h * n + t) * headDim,
        );
    return out;
  }

  /** False once the query-output graph has failed to open. */
  get supportsQueries(): boolean {
    return this.queriesUnavailable === undefined;
  }

  /** The query session, or undefined (after one warning) when the graph cannot give queries. */
  private async queryOutputs() {
    if (this.queriesUnavailable !== undefined) return undefined;
    this.querySession ??= openQuerySession(this.file, this.spec.numLayers, this.factory);
    try {
      return await this.querySession;
    } catch (error) {
      this.querySession = undefined;
      this.queriesUnavailable = (error as Error).message.split('\n')[0];
      this.warn(
        `query vectors are unavailable (${this.queriesUnavailable}); retrieval scores blocks with the question's keys instead, and the h2o policy evicts the oldest frames`,
      );
      return undefined;
    }
  }

  async run(step: DecoderStep): Promise<DecoderOutput> {
    const n = positionCount(step.positionIds);
    const feeds = this.feeds(step);
    const query = step.withQueries ? await this.queryOutputs() : undefined;
    const started = performance.now();
    const outputs = await (query ? query.managed : this.main).session.run(feeds);
    const queries = query?.outputNames.map((name) =>
      this.splitHeads(readFloats(outputs[name] as ort.Tensor), n),
    );
    const runMs = performance.now() - started;
    const logits = readFloats(outputs.logits as ort.Tensor);
    return {
      logits: step.lastLogitsOnly ? this.lastRow(logits, n) : logits,
      present: this.readPresent(outputs, step.past.length + n),
      ...(queries ? { queries } : {}),
      runMs,
    };
  }

  async release(): Promise<void> {
    const query = this.querySession;
    this.querySession = undefined;
    if (query) await query.then((q) => q.managed.release()).catch(() => undefined);
  }
}

/** An empty cache for a model: numLayers layers of length 0. */
export function emptyKvCache(numLayers: number): KvCache {
  return {
    layers: Array.from({ length: numLayers }, () => ({
      key: new Float32Array(0),
      value: new Float32Array(0),
    })),
    length: 0,
  };
}
