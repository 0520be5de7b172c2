// The download manifest: what Download Model fetches first from <base>/<model>/vlm-manifest.json.
// It lists every file of the model folder with its size and sha256, so each file can be
// resumed and verified. buildModelManifest() writes one for a folder you want to host.
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const MANIFEST_NAME = 'vlm-manifest.json';

export interface ManifestFile {
  /** Path inside the model folder, with forward slashes, e.g. "onnx/decoder_model_merged.onnx". */
  path: string;
  size: number;
  sha256: string;
}

export interface ModelManifest {
  name: string;
  files: ManifestFile[];
}

export class ManifestError extends Error {
  override name = 'ManifestError';
}

/** Checks a parsed manifest; every problem names the field. `source` is the URL, for messages. */
export function parseManifest(value: unknown, source: string): ModelManifest {
  const fail = (what: string): never => {
    throw new ManifestError(`${source}: ${what}`);
  };
  if (typeof value !== 'object' || value === null) fail('not a JSON object');
  const { name, files } = value as { name?: unknown; files?: unknown };
  if (typeof name !== 'string' || name === '') fail('"name" must be a non-empty string');
  if (!Array.isArray(files) || files.length === 0) fail('"files" must be a non-empty array');
  const seen = new Set<string>();
  const checked = (files as unknown[]).map((f, i) => {
    const file = f as Partial<ManifestFile>;
    if (typeof file?.path !== 'string' || !isSafeRelativePath(file.path)) {
      fail(
        `files[${i}].path must be a relative path inside the model folder, got ${JSON.stringify(file?.path)}`,
      );
    }
    if (seen.has(file.path!)) fail(`files[${i}].path "${file.path}" is listed twice`);
    seen.add(file.path!);
    if (!Number.isSafeInteger(file.size) || file.size! < 0) {
      fail(`files[${i}].size must be a byte count, got ${JSON.stringify(file.size)}`);
    }
    if (typeof file.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(file.sha256)) {
      fail(
        `files[${i}].sha256 must be 64 lowercase hex digits, got ${JSON.stringify(file.sha256)}`,
      );
    }
    return { path: file.path!, size: file.size!, sha256: file.sha256! };
  });
  return { name: name as string, files: checked };
}

/** Relative, forward-slash, no "..", no empty or dot segments: it cannot escape the folder. */
export function isSafeRelativePath(path: string): boolean {
  if (path === '' || path.startsWith('/') || path.includes('\\') || path.includes('\0'))
    return false;
  return path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The manifest for a model folder (every file under it except a manifest already there). */
export async function buildModelManifest(dir: string, name: string): Promise<ModelManifest> {
  const files: ManifestFile[] = [];
  for (const path of listFiles(dir).sort()) {
    const rel = relative(dir, path).split(sep).join('/');
    if (rel === MANIFEST_NAME) continue;
    files.push({ path: rel, size: statSync(path).size, sha256: await sha256File(path) });
  }
  return { name, files };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(path);
    return entry.isFile() ? [path] : [];
  });
}
