// Scores from different layers and scorers live on different scales; z-scores make them addable.

/** (x - mean) / std over the array; all zeros when the values do not vary. */
export function zScores(x: Float32Array): Float32Array {
  const n = x.length;
  if (n === 0) return x;
  let mean = 0;
  for (const v of x) mean += v / n;
  let variance = 0;
  for (const v of x) variance += ((v - mean) * (v - mean)) / n;
  const std = Math.sqrt(variance);
  const out = new Float32Array(n);
  if (std < 1e-12) return out;
  for (let i = 0; i < n; i++) out[i] = (x[i] - mean) / std;
  return out;
}

export function dot(
  a: Float32Array,
  aOffset: number,
  b: Float32Array,
  bOffset: number,
  n: number,
): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[aOffset + i] * b[bOffset + i];
  return s;
}
