// Shared by the RoPE tests: deterministic pseudo-random vectors and their largest difference.
// Not a test file itself.

/** n values in [-1, 1) from a linear congruential generator seeded with `seed`. */
export function randomVectors(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296) * 2 - 1;
  });
}

export function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
