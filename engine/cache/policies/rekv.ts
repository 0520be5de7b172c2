// ReKV: sink + recent window for encoding; older blocks are offloaded (quantized, RAM then
// disk) and the top-k most relevant are retrieved, in time order, for each question.
import type { CachePolicy } from './types';

export const rekvPolicy: CachePolicy = {
  name: 'rekv',
  description:
    'sink + recent + retrieved top-k (ReKV); older frames offloaded and retrieved per question',
  windowBlocks: (b) => b.recentBlocks,
  evicted: 'store',
  retrievedBlocks: (b) => b.topK,
};
