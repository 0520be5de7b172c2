// Sampling maths on hand-built logits: repetition penalty, temperature, top-k, top-p,
// and reproducibility from a seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyRepetitionPenalty,
  candidateDistribution,
  createRng,
  selectToken,
} from '../../../engine/model/sampling';

const close = (a: number, b: number, eps = 1e-6) => Math.abs(a - b) < eps;

test('greedy picks the argmax and ignores the rng', () => {
  const logits = Float32Array.from([0.1, 2.5, -1, 2.4]);
  assert.equal(
    selectToken(logits, {}, () => 0.99),
    1,
  );
  assert.equal(
    selectToken(logits, { temperature: 0 }, () => 0),
    1,
  );
});

test('repetition penalty divides positive logits and multiplies negative ones', () => {
  const logits = Float32Array.from([2, -2, 1, 3]);
  applyRepetitionPenalty(logits, [0, 1, 1], 2);
  assert.deepEqual([...logits], [1, -4, 1, 3]);
  // Applied through selectToken it can change the greedy choice, without touching the input.
  const input = Float32Array.from([3, 2.9]);
  assert.equal(selectToken(input, { repetitionPenalty: 1.5 }, Math.random, [0]), 1);
  assert.deepEqual(input, Float32Array.from([3, 2.9]));
});

test('temperature reshapes the softmax', () => {
  const logits = Float32Array.from([Math.log(1), Math.log(3)]);
  const t1 = candidateDistribution(logits, { temperature: 1 });
  assert.deepEqual(t1.ids, [1, 0]);
  assert.ok(close(t1.probs[0], 0.75) && close(t1.probs[1], 0.25));
  // T = 0.5 squares the odds: 9:1.
  const t05 = candidateDistribution(logits, { temperature: 0.5 });
  assert.ok(close(t05.probs[0], 0.9) && close(t05.probs[1], 0.1));
});

test('top-k keeps the k most likely tokens, renormalised', () => {
  const logits = Float32Array.from([Math.log(1), Math.log(4), Math.log(2), Math.log(3)]);
  const d = candidateDistribution(logits, { temperature: 1, topK: 2 });
  assert.deepEqual(d.ids, [1, 3]);
  assert.ok(close(d.probs[0], 4 / 7) && close(d.probs[1], 3 / 7));
});

test('top-p keeps the smallest prefix reaching p, and always the best token', () => {
  // probabilities 0.5, 0.3, 0.15, 0.05
  const logits = Float32Array.from([0.5, 0.3, 0.15, 0.05].map(Math.log));
  assert.deepEqual(candidateDistribution(logits, { temperature: 1, topP: 0.8 }).ids, [0, 1]);
  assert.deepEqual(candidateDistribution(logits, { temperature: 1, topP: 0.81 }).ids, [0, 1, 2]);
  assert.deepEqual(candidateDistribution(logits, { temperature: 1, topP: 0.1 }).ids, [0]);
  const d = candidateDistribution(logits, { temperature: 1, topP: 0.8 });
  assert.ok(close(d.probs[0], 0.625) && close(d.probs[1], 0.375));
});

test('top-k then top-p combine as in Hugging Face (k first)', () => {
  const logits = Float32Array.from([0.4, 0.3, 0.2, 0.1].map(Math.log));
  // top-k 3 -> 0.444, 0.333, 0.222; top-p 0.7 -> keeps 2
  assert.deepEqual(
    candidateDistribution(logits, { temperature: 1, topK: 3, topP: 0.7 }).ids,
    [0, 1],
  );
});

test('sampling follows the distribution and is reproducible from a seed', () => {
  const logits = Float32Array.from([Math.log(0.7), Math.log(0.2), Math.log(0.1)]);
  const draw = (seed: number) => {
    const rng = createRng(seed);
    return Array.from({ length: 5000 }, () => selectToken(logits, { temperature: 1 }, rng));
  };
  const a = draw(42);
  assert.deepEqual(a, draw(42));
  assert.notDeepEqual(a, draw(43));
  const share = (id: number) => a.filter((x) => x === id).length / a.length;
  assert.ok(Math.abs(share(0) - 0.7) < 0.03, `share 0 = ${share(0)}`);
  assert.ok(Math.abs(share(2) - 0.1) < 0.02, `share 2 = ${share(2)}`);
  // With top-k 1 sampling is greedy whatever the rng says.
  const rng = createRng(1);
  for (let i = 0; i < 50; i++)
    assert.equal(selectToken(logits, { temperature: 1.5, topK: 1 }, rng), 0);
});

test('tokens with negligible probability are left out of the candidates', () => {
  const logits = Float32Array.from([5, -100, 4, -60]);
  const d = candidateDistribution(logits, { temperature: 1 });
  assert.deepEqual(d.ids, [0, 2]);
  // A high temperature flattens the distribution, so far tokens come back into play.
  assert.deepEqual(candidateDistribution(logits, { temperature: 10 }).ids, [0, 2, 3, 1]);
});
