// The baseline: every block stays in the context at full precision. Memory and question
// latency grow with the stream; it stops at the model's position limit.
import type { CachePolicy } from './types';

export const fullCachePolicy: CachePolicy = {
  name: 'full',
  description: 'full cache (baseline): every frame kept at full precision',
  windowBlocks: () => Infinity,
  evicted: 'drop',
  retrievedBlocks: () => 0,
};
