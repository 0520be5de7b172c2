// Ways to damage a valid file, each deterministic: the same seed bytes and name give the same
// damaged bytes on every run, so a failing case can be reproduced from its id.

/** A small seeded PRNG (mulberry32): deterministic across platforms and Node versions. */
export function prng(seedText: string): () => number {
  let seed = 2166136261;
  for (const char of seedText) seed = Math.imul(seed ^ char.charCodeAt(0), 16777619);
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Flips `count` bits at random offsets in [from, to) of a copy. */
function flipBits(bytes: Buffer, count: number, from: number, to: number, name: string): Buffer {
  const out = Buffer.from(bytes);
  const random = prng(name);
  const span = Math.max(1, Math.min(to, out.length) - from);
  for (let i = 0; i < count; i++) {
    const at = from + Math.floor(random() * span);
    out[at] ^= 1 << Math.floor(random() * 8);
  }
  return out;
}

export interface Damage {
  /** Short name used in case ids and file names. */
  name: string;
  /** True when the damaged file may still decode (the flipped bits may land in pixel data). */
  mayDecode: boolean;
  apply(bytes: Buffer, seedName: string): Buffer;
}

/** Every kind of damage applied to every seed. */
export const DAMAGES: readonly Damage[] = [
  { name: 'empty', mayDecode: false, apply: () => Buffer.alloc(0) },
  { name: 'magic-only', mayDecode: false, apply: (b) => b.subarray(0, 12) },
  {
    name: 'cut-at-10pct',
    mayDecode: false,
    apply: (b) => b.subarray(0, Math.floor(b.length / 10)),
  },
  { name: 'cut-at-half', mayDecode: true, apply: (b) => b.subarray(0, Math.floor(b.length / 2)) },
  {
    name: 'cut-last-byte',
    mayDecode: true,
    apply: (b) => b.subarray(0, b.length - 1),
  },
  {
    name: 'bitflip-header',
    mayDecode: true,
    apply: (b, seed) => flipBits(b, 6, 0, 64, `${seed}/header`),
  },
  {
    name: 'bitflip-body',
    mayDecode: true,
    apply: (b, seed) => flipBits(b, 24, 64, b.length, `${seed}/body`),
  },
  {
    name: 'zeroed-tail',
    mayDecode: true,
    apply: (b) =>
      Buffer.concat([b.subarray(0, b.length >> 1), Buffer.alloc(b.length - (b.length >> 1))]),
  },
  {
    name: 'garbage-after-magic',
    mayDecode: false,
    apply: (b, seed) => {
      const random = prng(`${seed}/garbage`);
      const junk = Buffer.alloc(4096, 0).map(() => Math.floor(random() * 256));
      return Buffer.concat([b.subarray(0, 12), junk]);
    },
  },
];
