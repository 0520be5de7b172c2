// The load-time re-positioning check on decoders whose layers behave in known ways: keys are
// RoPE'd position-free vectors, with the noise deeper layers of a quantized model add, or a
// layer without RoPE, or interleaved pairs. Only the first two kinds may be re-positioned.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyRope } from '../../../engine/cache/rope';
import type { DecoderStep, TextModelSpec } from '../../../engine/model/contract';
import { positionRows } from '../../../engine/model/positions';
import { checkRepositioning } from '../../../engine/model/rope-check';

const spec: TextModelSpec = {
  numLayers: 4,
  numHeads: 2,
  numKvHeads: 2,
  headDim: 16,
  hiddenSize: 32,
  vocabSize: 200,
  maxPositions: 8192,
  rope: { theta: 100000, rotaryDim: 16 },
};

type LayerKind = 'rope' | 'noisy-rope' | 'no-rope' | 'interleaved';

/** Deterministic position-free key vectors for n tokens of one layer. */
function baseKeys(layer: number, n: number): Float32Array {
  const out = new Float32Array(spec.numKvHeads * n * spec.headDim);
  for (let i = 0; i < out.length; i++) out[i] = Math.sin(1.7 * i + 0.3 * layer + 1);
  return out;
}

/** Swaps rotate-half pairs (i, i+half) into adjacent ones (2i, 2i+1) and back. */
function interleave(keys: Float32Array, inverse: boolean): Float32Array {
  const out = new Float32Array(keys.length);
  const half = spec.headDim / 2;
  for (let row = 0; row < keys.length; row += spec.headDim)
    for (let i = 0; i < half; i++) {
      const [a, b] = [row + i, row + i + half];
      const [x, y] = [row + 2 * i, row + 2 * i + 1];
      if (inverse) [out[a], out[b]] = [keys[x], keys[y]];
      else [out[x], out[y]] = [keys[a], keys[b]];
    }
  return out;
}

/** A decoder whose layer l computes its keys the way kinds[l] says. */
function fakeModel(kinds: LayerKind[]) {
  let call = 0;
  return {
    spec: { ...spec, numLayers: kinds.length },
    embedTokens: async (ids: readonly number[]) => new Float32Array(ids.length * spec.hiddenSize),
    decode: async (step: DecoderStep) => {
      const n = step.positionIds.length;
      const start = positionRows(step.positionIds)[0][0];
      call++;
      const layers = kinds.map((kind, layer) => {
        const base = baseKeys(layer, n);
        const rope = (v: Float32Array) =>
          applyRope(v, spec.numKvHeads, n, spec.headDim, spec.rope, start);
        let key: Float32Array;
        if (kind === 'no-rope') key = base;
        else if (kind === 'interleaved') key = interleave(rope(interleave(base, true)), false);
        else key = rope(base);
        // Arithmetic noise that differs between the two runs, as requantized activations do.
        if (kind === 'noisy-rope')
          key = key.map((v, i) => v + 0.04 * Math.sin(97 * i + 13 * call + layer));
        return { key, value: new Float32Array(key.length) };
      });
      return { logits: new Float32Array(0), present: { layers, length: n }, runMs: 0 };
    },
  };
}

test('exact rotate-half RoPE passes with rounding-sized error', async () => {
  const result = await checkRepositioning(fakeModel(['rope', 'rope', 'rope', 'rope']));
  assert.equal(result.ok, true, result.reason);
  assert.ok(result.relativeError! < 1e-4, `${result.relativeError}`);
});

test('noise in deeper layers (a quantized model) passes when the rotation explains the move', async () => {
  const result = await checkRepositioning(
    fakeModel(['rope', 'noisy-rope', 'noisy-rope', 'noisy-rope']),
  );
  assert.equal(result.ok, true, result.reason);
  // The noise is larger than the first layer's tolerance, so only the second rule lets it pass.
  assert.ok(result.relativeError! > 0.02, `${result.relativeError}`);
});

test('noise in the first layer fails: its keys depend on the tokens alone', async () => {
  const result = await checkRepositioning(fakeModel(['noisy-rope', 'rope', 'rope', 'rope']));
  assert.equal(result.ok, false);
});

test('a deeper layer without RoPE fails the check', async () => {
  const result = await checkRepositioning(fakeModel(['rope', 'rope', 'no-rope', 'rope']));
  assert.equal(result.ok, false);
  assert.match(result.reason!, /first layer.*deeper ones/);
});

test('interleaved pairs fail the check', async () => {
  const result = await checkRepositioning(fakeModel(['interleaved', 'interleaved']));
  assert.equal(result.ok, false);
  assert.ok(result.relativeError! > 0.1, `${result.relativeError}`);
});
