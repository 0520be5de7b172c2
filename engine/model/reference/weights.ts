// Deterministic weights. Each tensor draws from its own PRNG stream, seeded from the model
// seed and the tensor's name, so a tensor's values do not depend on the order in which
// tensors are written. Values are uniform with the standard deviation asked for, scaled by
// fan-in so activations stay near unit size through the layers.
import type { FloatFill } from '../onnx/tensor-store';
import { createRng } from '../../util/random';

/** FNV-1a over the name, mixed with the seed. */
function streamSeed(seed: number, name: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Values mean + uniform noise of standard deviation `std`; chunks must come in order. */
export function uniformFill(seed: number, name: string, std: number, mean = 0): FloatFill {
  const next = createRng(streamSeed(seed, name));
  const halfWidth = std * Math.sqrt(3);
  let expected = 0;
  return (out, start) => {
    if (start !== expected) {
      throw new Error(
        `weights for ${name} must be filled in order (asked for ${start}, at ${expected})`,
      );
    }
    for (let i = 0; i < out.length; i++) out[i] = mean + (next() * 2 - 1) * halfWidth;
    expected += out.length;
  };
}

/** A linear layer's weight stored [in, out] (as exports store MatMul weights): std 1/sqrt(in). */
export function linearFill(seed: number, name: string, fanIn: number, gain = 1): FloatFill {
  return uniformFill(seed, name, gain / Math.sqrt(fanIn));
}

/** A normalisation scale: ones with a little noise, so the weight is not a no-op. */
export function normScaleFill(seed: number, name: string): FloatFill {
  return uniformFill(seed, name, 0.05, 1);
}

/** A bias: small values around zero. */
export function biasFill(seed: number, name: string): FloatFill {
  return uniformFill(seed, name, 0.02);
}
