// StreamingLLM: attention sinks + a recent window; older blocks are forgotten.
import type { CachePolicy } from './types';

export const streamingLlmPolicy: CachePolicy = {
  name: 'streaming-llm',
  description: 'sink + recent window (StreamingLLM); older frames are dropped',
  windowBlocks: (b) => b.recentBlocks,
  evicted: 'drop',
  retrievedBlocks: () => 0,
};
