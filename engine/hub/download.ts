// One file from the Hub into its blob: resumed from `<blob>.incomplete` with an HTTP Range
// request (as huggingface_hub does), checked against the hash the Hub's tree listing gives
// (sha256 for LFS files, the git blob sha1 for the others), then renamed into place, so a
// blob either is complete and verified or does not exist.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { HubError } from './errors';

export interface BlobSource {
  /** Path in the repository, for messages. */
  path: string;
  url: string;
  blob: string;
  size: number;
  /** sha256 of the content (LFS files) … */
  sha256?: string;
  /** … or the git blob id (sha1 of "blob <size>\0" + content) for files kept in git. */
  gitOid?: string;
}

export interface BlobDownload {
  /** Bytes this call fetched. */
  fetched: number;
  /** Where the request started (above 0 when an earlier partial file was resumed). */
  resumedFrom: number;
}

/** A transfer with no data for this long counts as dropped (and is resumed). */
export const STALL_TIMEOUT_MS = 30_000;

/** The next chunk, or a transient error when none comes within `ms`. */
interface ChunkReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(): Promise<void>;
}

async function readWithin(
  reader: ChunkReader,
  ms: number,
  path: string,
): Promise<{ done: boolean; value?: Uint8Array }> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reader.cancel().catch(() => undefined);
      reject(new HubError('unreachable', `${path}: no data for ${ms / 1000} s`, true));
    }, ms);
  });
  try {
    return await Promise.race([reader.read(), stalled]);
  } finally {
    clearTimeout(timer);
  }
}

function newHash(source: BlobSource): Hash {
  if (source.sha256) return createHash('sha256');
  const hash = createHash('sha1');
  hash.update(`blob ${source.size}\0`);
  return hash;
}

async function hashExisting(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

async function partialSize(path: string, size: number): Promise<number> {
  const stats = await stat(path).catch(() => undefined);
  if (!stats) return 0;
  if (stats.size > size) {
    await rm(path, { force: true });
    return 0;
  }
  return stats.size;
}

async function request(source: BlobSource, start: number, fetchFn: typeof fetch, token?: string) {
  const headers: Record<string, string> = {};
  if (start > 0) headers.Range = `bytes=${start}-`;
  if (token) headers.Authorization = `Bearer ${token}`;
  return fetchFn(source.url, { headers });
}

function statusError(path: string, status: number): HubError {
  const denied = status === 401 || status === 403;
  return new HubError(
    denied ? 'auth' : status === 404 ? 'not-found' : 'unreachable',
    `${path}: download answered HTTP ${status}${denied ? ' (gated repository: set HF_TOKEN)' : ''}`,
  );
}

async function checkHash(source: BlobSource, hash: Hash, partial: string): Promise<void> {
  const expected = source.sha256 ?? source.gitOid;
  const actual = hash.digest('hex');
  if (!expected || actual === expected) return;
  await rm(partial, { force: true });
  throw new HubError(
    'integrity',
    `${source.path}: the downloaded file's ${source.sha256 ? 'sha256' : 'git sha1'} ${actual} ` +
      `does not match the Hub's ${expected}; the partial file was removed (run the pull again)`,
  );
}

/** Downloads `source` into its blob; onBytes gets each chunk's length as it is written. */
export async function downloadBlob(
  source: BlobSource,
  options: {
    fetch: typeof fetch;
    token?: string;
    onBytes?: (n: number) => void;
    stallTimeoutMs?: number;
  },
): Promise<BlobDownload> {
  const partial = `${source.blob}.incomplete`;
  let start = await partialSize(partial, source.size);
  const hash = newHash(source);
  const response =
    start < source.size ? await request(source, start, options.fetch, options.token) : undefined;
  if (response && !response.ok) throw statusError(source.path, response.status);
  if (response && start > 0 && response.status !== 206) {
    // The server ignored the Range: start over from an empty file.
    start = 0;
    await rm(partial, { force: true });
  }
  if (start > 0) {
    await hashExisting(partial, hash);
    options.onBytes?.(start);
  }
  let fetched = 0;
  if (response?.body) {
    const file = await open(partial, start > 0 ? 'a' : 'w');
    try {
      const reader: ChunkReader = response.body.getReader();
      const read = () =>
        readWithin(reader, options.stallTimeoutMs ?? STALL_TIMEOUT_MS, source.path);
      for (;;) {
        const { done, value: chunk } = await read();
        if (done || !chunk) break;
        hash.update(chunk);
        await file.write(chunk);
        fetched += chunk.length;
        options.onBytes?.(chunk.length);
      }
    } finally {
      await file.close();
    }
  }
  const written = start + fetched;
  if (written !== source.size) {
    if (written > source.size) await rm(partial, { force: true });
    throw new HubError(
      'integrity',
      `${source.path}: got ${written} bytes, the Hub lists ${source.size}` +
        (written < source.size ? ' (the connection ended early; the pull resumes from here)' : ''),
      written < source.size,
    );
  }
  await checkHash(source, hash, partial);
  await rename(partial, source.blob);
  return { fetched, resumedFrom: start };
}
