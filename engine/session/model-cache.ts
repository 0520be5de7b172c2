// Where the session's generated reference model is written. The cache directory is the
// place; when it cannot be written (read-only, a file in the way, the disk full) the model
// is generated in a private temporary folder instead, with one warning, and removed when
// the session is disposed: a broken cache costs speed, never the answer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Error codes that mean "this folder cannot take the files", not "the model is bad". */
const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOTDIR', 'ENOENT']);

/** True when `error` is a filesystem failure on a path inside `dir`. */
export function isUnwritableCache(error: unknown, dir: string | undefined): boolean {
  const e = error as NodeJS.ErrnoException;
  if (!dir || !e || !UNWRITABLE.has(e.code ?? '')) return false;
  return typeof e.path !== 'string' || e.path.startsWith(dir);
}

export class ModelCacheFallback {
  private temporary?: string;

  /** A fresh private folder for this session's generated model (mode 0700 by mkdtemp). */
  folder(): string {
    return (this.temporary ??= mkdtempSync(join(tmpdir(), 'vlm-stream-models-')));
  }

  get active(): boolean {
    return this.temporary !== undefined;
  }

  dispose(): void {
    if (this.temporary) rmSync(this.temporary, { recursive: true, force: true });
    this.temporary = undefined;
  }
}

/** The one warning a session gives when it falls back. */
export function fallbackWarning(dir: string, error: unknown, folder: string): string {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return (
    `the cache directory ${dir} cannot be written (${code}); the reference model is ` +
    `generated in ${folder} for this session instead, and encoded streams are not saved`
  );
}
