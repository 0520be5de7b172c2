// A small deterministic Llama-style decoder (GQA, RoPE, RMSNorm, SiLU MLP) written in
// TypeScript, behind the same StreamModel port as the ONNX model. It exists so the cache
// can be exercised on thousands of frames in seconds (the cache benchmark, and the tests).
// Its answers mean nothing; its attention, positions and KV shapes follow the model
// contract exactly.
import type { DecoderOutput, DecoderStep, KvCache, TextModelSpec } from '../../model/contract';
import { positionCount, positionRows } from '../../model/positions';
import { formatTime } from '../../cache/block';
import { applyRope } from '../../cache/rope';
import type { FrameEmbedding, StreamModel, VideoFrame } from '../../stream/model-port';

export interface SyntheticModelOptions {
  layers?: number;
  heads?: number;
  kvHeads?: number;
  headDim?: number;
  maxPositions?: number;
  /** Image tokens per frame. */
  imageTokens?: number;
  seed?: number;
  ropeTheta?: number;
}

const END = 1;
const IMAGE = 2;
const VOCAB = 128;

class Rng {
  constructor(private state: number) {}
  next(): number {
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
    return this.state / 4294967296;
  }
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  matrix(rows: number, cols: number, scale: number): Float32Array {
    return Float32Array.from({ length: rows * cols }, () => this.normal() * scale);
  }
}

interface LayerWeights {
  wq: Float32Array;
  wk: Float32Array;
  wv: Float32Array;
  wo: Float32Array;
  w1: Float32Array;
  w2: Float32Array;
}

export class SyntheticModel implements StreamModel {
  readonly spec: TextModelSpec;
  readonly identity: string;
  readonly settings: Record<string, unknown>;
  readonly supportsQueries = true;
  private readonly layers: LayerWeights[];
  private readonly embedding: Float32Array;
  private readonly imageProjection: Float32Array;
  private readonly lmHead: Float32Array;
  private readonly ffn: number;
  private readonly imageTokens: number;

  constructor(options: SyntheticModelOptions = {}) {
    const heads = options.heads ?? 4;
    const headDim = options.headDim ?? 16;
    const hidden = heads * headDim;
    this.spec = {
      numLayers: options.layers ?? 2,
      numHeads: heads,
      numKvHeads: options.kvHeads ?? 2,
      headDim,
      hiddenSize: hidden,
      vocabSize: VOCAB,
      maxPositions: options.maxPositions ?? 8192,
      rope: { theta: options.ropeTheta ?? 10000, rotaryDim: headDim },
    };
    this.imageTokens = options.imageTokens ?? 8;
    const seed = options.seed ?? 7;
    this.identity = `synthetic-llama:${JSON.stringify({ ...this.spec, seed })}`;
    this.settings = { imageTokens: this.imageTokens };
    this.ffn = hidden * 2;
    const rng = new Rng(seed);
    const s = 1 / Math.sqrt(hidden);
    const kvDim = this.spec.numKvHeads * headDim;
    this.layers = Array.from({ length: this.spec.numLayers }, () => ({
      wq: rng.matrix(hidden, hidden, s),
      wk: rng.matrix(hidden, kvDim, s),
      wv: rng.matrix(hidden, kvDim, s),
      wo: rng.matrix(hidden, hidden, s),
      w1: rng.matrix(hidden, this.ffn, s),
      w2: rng.matrix(this.ffn, hidden, 1 / Math.sqrt(this.ffn)),
    }));
    this.embedding = rng.matrix(VOCAB, hidden, 1);
    this.imageProjection = rng.matrix(4, hidden, 1);
    this.lmHead = rng.matrix(hidden, VOCAB, s);
  }

  async embedPrefix(): Promise<Float32Array> {
    return this.embedText('System: answer questions about the video.\nUser:');
  }

  async embedFrame(frame: VideoFrame, still: boolean): Promise<FrameEmbedding> {
    const marker = this.embedText(still ? 'Image:' : `Frame at ${formatTime(frame.timeSec)}:`);
    const image = this.embedImage(frame);
    const out = new Float32Array(marker.length + image.length);
    out.set(marker);
    out.set(image, marker.length);
    return { embeds: out };
  }

  async embedQuestion(question: string): Promise<Float32Array> {
    return this.embedText(`${question}\nAssistant:`);
  }

  async embedTokens(ids: number[]): Promise<Float32Array> {
    return this.embedIds(ids);
  }

  decodeText(ids: number[]): string {
    return String.fromCharCode(...ids.filter((id) => id >= 32 && id < 127));
  }

  isEndToken(id: number): boolean {
    return id === END;
  }

  tokenize(text: string): number[] {
    return Array.from(text, (c) => {
      const code = c.charCodeAt(0);
      return code >= 32 && code < 127 ? code : 32;
    });
  }

  private embedText(text: string): Float32Array {
    return this.embedIds(this.tokenize(text));
  }

  private embedIds(ids: number[]): Float32Array {
    const h = this.spec.hiddenSize;
    const out = new Float32Array(ids.length * h);
    ids.forEach((id, i) => out.set(this.embedding.subarray(id * h, (id + 1) * h), i * h));
    return out;
  }

  /** Horizontal strips of the frame, mean RGB each, projected: one token per strip. */
  private embedImage(frame: VideoFrame): Float32Array {
    const h = this.spec.hiddenSize;
    const n = this.imageTokens;
    const out = new Float32Array(n * h);
    const base = this.embedding.subarray(IMAGE * h, (IMAGE + 1) * h);
    for (let t = 0; t < n; t++) {
      const y0 = Math.floor((t * frame.height) / n);
      const y1 = Math.max(y0 + 1, Math.floor(((t + 1) * frame.height) / n));
      const mean = [0, 0, 0];
      let count = 0;
      for (let y = y0; y < Math.min(y1, frame.height); y++)
        for (let x = 0; x < frame.width; x++) {
          const p = (y * frame.width + x) * 3;
          for (let c = 0; c < 3; c++) mean[c] += frame.rgb[p + c];
          count++;
        }
      const features = [...mean.map((m) => (count ? m / count / 127.5 - 1 : 0)), t / n];
      for (let d = 0; d < h; d++) {
        let v = base[d] * 0.1;
        for (let f = 0; f < 4; f++) v += features[f] * this.imageProjection[f * h + d];
        out[t * h + d] = v;
      }
    }
    return out;
  }

  async decode(step: DecoderStep): Promise<DecoderOutput> {
    const t0 = performance.now();
    const { numHeads: H, numKvHeads: KH, headDim: D, hiddenSize: hidden } = this.spec;
    const n = positionCount(step.positionIds);
    if (step.inputsEmbeds.length !== n * hidden)
      throw new Error(
        `inputsEmbeds has ${step.inputsEmbeds.length} values, expected ${n} x ${hidden}`,
      );
    const p = step.past.length;
    // One position per token: this model has 1-D RoPE.
    const start = positionRows(step.positionIds)[0][0];
    const x = Float32Array.from(step.inputsEmbeds);
    const present: KvCache = { length: p + n, layers: [] };
    const queries: Float32Array[] = [];
    this.layers.forEach((w, l) => {
      const h = rmsNorm(x, n, hidden);
      const q = toHeads(matmul(h, w.wq, n, hidden, hidden), n, H, D);
      const k = toHeads(matmul(h, w.wk, n, hidden, KH * D), n, KH, D);
      const v = toHeads(matmul(h, w.wv, n, hidden, KH * D), n, KH, D);
      if (step.withQueries) queries.push(q);
      const qr = applyRope(q, H, n, D, this.spec.rope, start);
      const kr = applyRope(k, KH, n, D, this.spec.rope, start);
      const keys = concatTokens(step.past.layers[l]?.key, p, kr, n, KH, D);
      const values = concatTokens(step.past.layers[l]?.value, p, v, n, KH, D);
      present.layers.push({ key: keys, value: values });
      const attn = attention(qr, keys, values, n, p, H, KH, D);
      addInPlace(x, matmul(fromHeads(attn, n, H, D), w.wo, n, hidden, hidden));
      const m = matmul(rmsNorm(x, n, hidden), w.w1, n, hidden, this.ffn).map(
        (z) => z / (1 + Math.exp(-z)),
      );
      addInPlace(x, matmul(m, w.w2, n, this.ffn, hidden));
    });
    const rows = step.lastLogitsOnly ? 1 : n;
    const last = rmsNorm(x.subarray((n - rows) * hidden), rows, hidden);
    const logits = matmul(last, this.lmHead, rows, hidden, VOCAB);
    return {
      logits,
      present,
      queries: step.withQueries ? queries : undefined,
      runMs: performance.now() - t0,
    };
  }
}

function matmul(a: Float32Array, b: Float32Array, n: number, k: number, m: number): Float32Array {
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < k; j++) {
      const av = a[i * k + j];
      if (av === 0) continue;
      const row = j * m;
      for (let c = 0; c < m; c++) out[i * m + c] += av * b[row + c];
    }
  return out;
}

function rmsNorm(x: Float32Array, n: number, hidden: number): Float32Array {
  const out = new Float32Array(n * hidden);
  for (let i = 0; i < n; i++) {
    let ss = 0;
    for (let d = 0; d < hidden; d++) ss += x[i * hidden + d] ** 2;
    const r = 1 / Math.sqrt(ss / hidden + 1e-6);
    for (let d = 0; d < hidden; d++) out[i * hidden + d] = x[i * hidden + d] * r;
  }
  return out;
}

/** [n, heads*D] -> [heads, n, D]. */
function toHeads(x: Float32Array, n: number, heads: number, D: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let t = 0; t < n; t++)
    for (let h = 0; h < heads; h++)
      out.set(x.subarray((t * heads + h) * D, (t * heads + h + 1) * D), (h * n + t) * D);
  return out;
}

function fromHeads(x: Float32Array, n: number, heads: number, D: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let h = 0; h < heads; h++)
    for (let t = 0; t < n; t++)
      out.set(x.subarray((h * n + t) * D, (h * n + t + 1) * D), (t * heads + h) * D);
  return out;
}

function concatTokens(
  past: Float32Array | undefined,
  p: number,
  now: Float32Array,
  n: number,
  heads: number,
  D: number,
): Float32Array {
  const out = new Float32Array(heads * (p + n) * D);
  for (let h = 0; h < heads; h++) {
    if (past && p > 0) out.set(past.subarray(h * p * D, (h + 1) * p * D), h * (p + n) * D);
    out.set(now.subarray(h * n * D, (h + 1) * n * D), (h * (p + n) + p) * D);
  }
  return out;
}

/** Causal attention of n new queries over p past + n new keys, GQA. Returns [H, n, D]. */
function attention(
  q: Float32Array,
  keys: Float32Array,
  values: Float32Array,
  n: number,
  p: number,
  H: number,
  KH: number,
  D: number,
): Float32Array {
  const total = p + n;
  const out = new Float32Array(H * n * D);
  const scores = new Float64Array(total);
  const scale = 1 / Math.sqrt(D);
  for (let h = 0; h < H; h++) {
    const kh = Math.floor(h / (H / KH));
    for (let i = 0; i < n; i++) {
      const visible = p + i + 1;
      let top = -Infinity;
      for (let j = 0; j < visible; j++) {
        let s = 0;
        for (let d = 0; d < D; d++) s += q[(h * n + i) * D + d] * keys[(kh * total + j) * D + d];
        scores[j] = s * scale;
        if (scores[j] > top) top = scores[j];
      }
      let sum = 0;
      for (let j = 0; j < visible; j++) sum += scores[j] = Math.exp(scores[j] - top);
      for (let j = 0; j < visible; j++) {
        const w = scores[j] / sum;
        for (let d = 0; d < D; d++)
          out[(h * n + i) * D + d] += w * values[(kh * total + j) * D + d];
      }
    }
  }
  return out;
}

function addInPlace(x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) x[i] += y[i];
}
