// File URIs and paths: the protocol carries URIs; the engine wants paths.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';

/** A file: URI or an absolute path -> absolute path; anything else -> undefined. */
export function uriToPath(uriOrPath: string): string | undefined {
  if (uriOrPath.startsWith('file:')) {
    try {
      return fileURLToPath(uriOrPath);
    } catch {
      return undefined;
    }
  }
  return isAbsolute(uriOrPath) ? uriOrPath : undefined;
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}
