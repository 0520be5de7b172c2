// Writes a small zip for the tests of scripts/check-vsix.mjs, with yazl (vsce's zip writer).
import { createWriteStream } from 'node:fs';
import yazl from 'yazl';

/**
 * @param {string} path
 * @param {{ name: string, data: Buffer | string, mode?: number }[]} files
 * @returns {Promise<void>}
 */
export function writeZip(path, files) {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const f of files) zip.addBuffer(Buffer.from(f.data), f.name, { mode: f.mode ?? 0o100644 });
    zip.outputStream.pipe(createWriteStream(path)).on('close', resolve).on('error', reject);
    zip.end();
  });
}
