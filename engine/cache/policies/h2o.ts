// H2O/SnapKV-like: the window keeps the blocks new frames attend to most ("heavy hitters")
// instead of simply the newest. The newest half of the window is always kept; among the
// older half the block with the least accumulated attention leaves and is forgotten.
import type { CachePolicy } from './types';

export const heavyHitterPolicy: CachePolicy = {
  name: 'h2o',
  description: 'sink + heavy-hitter window (H2O-like): least-attended older frames are dropped',
  windowBlocks: (b) => b.recentBlocks,
  evicted: 'drop',
  retrievedBlocks: () => 0,
  tracksAttention: true,
  chooseEviction(window, attention) {
    const protectedFrom = Math.max(1, Math.ceil(window.length / 2));
    let victim = 0;
    let least = Infinity;
    for (let i = 0; i < window.length - protectedFrom; i++) {
      const a = attention.get(window[i].id) ?? 0;
      if (a < least) {
        least = a;
        victim = i;
      }
    }
    return victim;
  },
};
