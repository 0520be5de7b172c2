// The case group a corpus file belongs to, the same for every entry point's cases.
import type { OddFile } from './files';
import type { BadMedia, Materials } from './materials';

export function fileGroup(
  m: Materials,
  f: BadMedia | OddFile,
): 'bomb' | 'special' | 'name' | 'media' {
  if (m.bombs.includes(f as BadMedia)) return 'bomb';
  if (m.odd.includes(f as OddFile)) return 'special';
  if (m.hostile.includes(f as OddFile)) return 'name';
  return 'media';
}
