// Downloads a model folder listed by a manifest, resuming interrupted files with HTTP Range
// and verifying each file's sha256. Nothing half-written is ever visible as installed:
// files arrive as <name>.part in a staging folder, are verified, renamed, and the whole
// folder is renamed into place only when every file checks out. Plain Node, no vscode.
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import {
  MANIFEST_NAME,
  parseManifest,
  sha256File,
  type ManifestFile,
  type ModelManifest,
} from './manifest';

export interface DownloadProgress {
  file: string;
  fileIndex: number;
  fileCount: number;
  /** Bytes present for the whole model, including bytes resumed from an earlier attempt. */
  bytesDone: number;
  bytesTotal: number;
}

export interface DownloadOptions {
  /** e.g. "https://models.example.com/vlm"; the manifest is at <baseUrl>/<model>/vlm-manifest.json. */
  baseUrl: string;
  /** e.g. "smolvlm-256m" or "HuggingFaceTB/SmolVLM-256M-Instruct". */
  model: string;
  /** Installed models live in <modelsDir>/<folder name>. */
  modelsDir: string;
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
}

export interface DownloadResult {
  dir: string;
  manifest: ModelManifest;
  /** Bytes fetched over the network by this call (less than the total after a resume). */
  bytesFetched: number;
  /** Files that continued from a .part left by an earlier attempt. */
  resumedFiles: string[];
}

export class DownloadError extends Error {
  override name = 'DownloadError';
}

export class ChecksumError extends DownloadError {
  override name = 'ChecksumError';
}

/** Folder name for a model id: "org/name" -> "org--name". */
export function modelFolderName(model: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/.test(model)) {
    throw new DownloadError(
      `model name "${model}" is not valid: use letters, digits, ".", "_", "-", and at most one "/"`,
    );
  }
  return model.replace('/', '--');
}

export async function downloadModel(options: DownloadOptions): Promise<DownloadResult> {
  const folder = modelFolderName(options.model);
  const target = join(options.modelsDir, folder);
  if (existsSync(target)) {
    throw new DownloadError(
      `${target} already exists; remove it first to download ${options.model} again`,
    );
  }
  const modelUrl = `${options.baseUrl.replace(/\/+$/, '')}/${options.model}/`;
  const manifest = await fetchManifest(new URL(MANIFEST_NAME, modelUrl).href, options.signal);
  const staging = join(options.modelsDir, `.${folder}.partial`);
  mkdirSync(staging, { recursive: true });

  const bytesTotal = manifest.files.reduce((sum, f) => sum + f.size, 0);
  let bytesDone = 0;
  let bytesFetched = 0;
  const resumedFiles: string[] = [];
  for (const [fileIndex, file] of manifest.files.entries()) {
    const report = (fileBytes: number) =>
      options.onProgress?.({
        file: file.path,
        fileIndex,
        fileCount: manifest.files.length,
        bytesDone: bytesDone + fileBytes,
        bytesTotal,
      });
    const outcome = await fetchVerifiedFile(
      new URL(file.path, modelUrl).href,
      file,
      staging,
      report,
      options.signal,
    );
    bytesFetched += outcome.fetched;
    if (outcome.resumed) resumedFiles.push(file.path);
    bytesDone += file.size;
    report(0);
  }
  await writeFile(join(staging, MANIFEST_NAME), JSON.stringify(manifest, null, 2));
  renameSync(staging, target);
  return { dir: target, manifest, bytesFetched, resumedFiles };
}

async function fetchManifest(url: string, signal?: AbortSignal): Promise<ModelManifest> {
  const response = await request(url, {}, signal);
  if (!response.ok)
    throw new DownloadError(`${url}: HTTP ${response.status} ${response.statusText}`);
  let json: unknown;
  try {
    json = JSON.parse(await response.text());
  } catch (error) {
    throw new DownloadError(`${url}: not valid JSON (${(error as Error).message})`);
  }
  return parseManifest(json, url);
}

/** Downloads one file into staging (resuming a .part), verifies it, then renames it into place. */
async function fetchVerifiedFile(
  url: string,
  file: ManifestFile,
  staging: string,
  report: (fileBytes: number) => void,
  signal?: AbortSignal,
): Promise<{ fetched: number; resumed: boolean }> {
  const finalPath = join(staging, file.path);
  const partPath = `${finalPath}.part`;
  mkdirSync(dirname(finalPath), { recursive: true });
  if (existsSync(finalPath)) return { fetched: 0, resumed: false };

  let have = existsSync(partPath) ? statSync(partPath).size : 0;
  if (have > file.size) {
    rmSync(partPath);
    have = 0;
  }
  let fetched = 0;
  let resumed = false;
  if (have < file.size) {
    const headers: Record<string, string> = have > 0 ? { Range: `bytes=${have}-` } : {};
    const response = await request(url, headers, signal);
    if (response.status === 206 && have > 0) {
      resumed = true;
    } else if (response.ok) {
      have = 0; // the server ignored the Range header: start over
    } else {
      throw new DownloadError(`${url}: HTTP ${response.status} ${response.statusText}`);
    }
    if (!response.body) throw new DownloadError(`${url}: empty response body`);
    // Each chunk is on disk before the next is read: a connection that drops leaves every
    // byte received in the .part, so the next run resumes from there (a piped write stream
    // would drop what it still buffered when the source fails).
    const part = await open(partPath, have > 0 ? 'a' : 'w');
    try {
      const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
      for await (const chunk of body as AsyncIterable<Buffer>) {
        await part.write(chunk);
        fetched += chunk.length;
        report(have + fetched);
      }
    } catch (error) {
      if (signal?.aborted)
        throw new DownloadError(`download of ${file.path} cancelled; run it again to resume`);
      throw new DownloadError(
        `${url}: interrupted after ${have + fetched} of ${file.size} bytes (${(error as Error).message}); run it again to resume`,
      );
    } finally {
      await part.close();
    }
  }
  await verifyPart(partPath, file, url);
  renameSync(partPath, finalPath);
  return { fetched, resumed };
}

async function verifyPart(partPath: string, file: ManifestFile, url: string): Promise<void> {
  const size = statSync(partPath).size;
  if (size !== file.size) {
    rmSync(partPath);
    throw new DownloadError(`${url}: got ${size} bytes, the manifest says ${file.size}`);
  }
  const actual = await sha256File(partPath);
  if (actual !== file.sha256) {
    rmSync(partPath);
    throw new ChecksumError(
      `${file.path}: sha256 is ${actual}, the manifest says ${file.sha256}; the file was deleted`,
    );
  }
}

async function request(
  url: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<Response> {
  try {
    return await fetch(url, { headers, signal, redirect: 'follow' });
  } catch (error) {
    if (signal?.aborted) throw new DownloadError(`download cancelled`);
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new DownloadError(`${url}: ${cause ?? (error as Error).message}`);
  }
}
