// A model folder of hard links to another's files, so variants (q8, q4) can be written
// beside the reference weights without copying a gigabyte.
import { linkSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function linkedCopy(from: string, to: string): void {
  mkdirSync(join(to, 'onnx'), { recursive: true });
  for (const sub of ['', 'onnx'])
    for (const name of readdirSync(join(from, sub))) {
      const source = join(from, sub, name);
      if (statSync(source).isFile()) linkSync(source, join(to, sub, name));
    }
}
