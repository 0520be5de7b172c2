// `pullModel`: the files one dtype of a Hub repository needs, into the Hugging Face cache.
// The commit comes from the model-info route and the file list with hashes from the tree
// route (both through @huggingface/hub); each missing blob is downloaded, verified and
// linked into snapshots/<commit>/, so the folder is the one huggingface_hub would write.
import { listFiles, modelInfo, type ListFileEntry } from '@huggingface/hub';
import { existsSync, mkdirSync, statfsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatBytes } from '../util/files';
import {
  blobPath,
  findCachedModel,
  isCommitSha,
  linkBlob,
  snapshotDir,
  writeRef,
  type CachedModel,
} from './cache-layout';
import { downloadBlob } from './download';
import { graphsLast, selectFiles, type PullDtype } from './dtype-files';
import { HubError, hubRequestError } from './errors';
import { hubFetch, isTransientNetworkError } from './hub-fetch';
import { parseModelRef } from './model-ref';
import { acquirePullLock, type LockHolder } from './pull-lock';
import { CONNECT_TIMEOUT_MS, hubSettings } from './settings';

export interface PullProgress {
  /** The file being fetched. */
  file: string;
  /** Bytes of the whole pull so far (resumed partial files count)… */
  bytes: number;
  /** …of this many. */
  totalBytes: number;
}

export interface PullOptions {
  repo: string;
  /** Branch, tag or commit (default main). */
  revision?: string;
  dtype: PullDtype;
  /** Default: HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub. */
  cacheDir?: string;
  /** Default: HF_ENDPOINT, else https://huggingface.co. */
  endpoint?: string;
  /** Default: HF_TOKEN. */
  token?: string;
  signal?: AbortSignal;
  onProgress?: (p: PullProgress) => void;
  /** Called once per file when it is in place (`downloaded` false: it was already there). */
  onFile?: (f: { file: string; size: number; downloaded: boolean }) => void;
  /** Another process is pulling this repository into the same cache: this pull waits for it. */
  onWait?: (holder: LockHolder, lockFile: string) => void;
  /** Use the cache only (default: HF_HUB_OFFLINE). */
  offline?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Free bytes to assume instead of asking the file system (tests). */
  freeBytes?: number;
  connectTimeoutMs?: number;
  /** A transfer without data for this long is dropped and resumed (default 30 s). */
  stallTimeoutMs?: number;
}

export interface PullResult extends CachedModel {
  /** Bytes this pull downloaded (0 when everything was cached). */
  downloadedBytes: number;
}

const ATTEMPTS = 4;

interface Plan {
  entry: ListFileEntry;
  pointer: string;
  blob: string;
}

function freeBytesAt(dir: string): number {
  let probe = dir;
  while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe);
  const stats = statfsSync(probe);
  return Number(stats.bavail) * Number(stats.bsize);
}

function checkDisk(cacheDir: string, needed: number, free: number): void {
  if (needed <= free) return;
  throw new HubError(
    'disk',
    `not enough free disk space in ${cacheDir}: the download needs ${formatBytes(needed)} ` +
      `(${needed} bytes) and ${formatBytes(free)} (${free} bytes) are free`,
  );
}

function fileUrl(endpoint: string, repo: string, sha: string, path: string): string {
  const encoded = path.split('/').map(encodeURIComponent).join('/');
  return `${endpoint}/${repo}/resolve/${sha}/${encoded}`;
}

function offlineResult(
  cached: CachedModel | undefined,
  what: string,
  cacheDir: string,
  why: string,
) {
  if (cached) return { ...cached, downloadedBytes: 0 };
  throw new HubError(
    'offline',
    `${what} is not in the Hugging Face cache (${cacheDir}) and ${why}`,
  );
}

/** The commit `revision` names and the files of that commit (with sizes and hashes). */
async function listRevision(
  hub: { hubUrl: string; accessToken?: string; fetch: typeof fetch },
  repo: string,
  revision: string,
): Promise<{ sha: string; tree: ListFileEntry[] }> {
  const { sha } = await modelInfo({ ...hub, name: repo, revision, additionalFields: ['sha'] });
  if (!isCommitSha(sha))
    throw new HubError('layout', `${repo}@${revision}: the Hub gave no commit for it`);
  const tree: ListFileEntry[] = [];
  for await (const entry of listFiles({ ...hub, repo, revision: sha, recursive: true }))
    if (entry.type === 'file') tree.push(entry);
  return { sha, tree };
}

export async function pullModel(options: PullOptions): Promise<PullResult> {
  const settings = hubSettings(options.env);
  const { repo, revision } = parseModelRef(
    options.revision ? `${options.repo}@${options.revision}` : options.repo,
  );
  const cacheDir = options.cacheDir ?? settings.cacheDir;
  const endpoint = (options.endpoint ?? settings.endpoint).replace(/\/+$/, '');
  const token = options.token ?? settings.token;
  const what = `${repo}@${revision}`;
  const cached = () => findCachedModel(cacheDir, repo, revision, options.dtype);
  if (options.offline ?? settings.offline)
    return offlineResult(
      cached(),
      what,
      cacheDir,
      'offline mode is on (HF_HUB_OFFLINE or --offline)',
    );
  const release = await acquirePullLock(cacheDir, repo, {
    signal: options.signal,
    onWait: options.onWait,
  });
  try {
    return await pullOnline(options, { repo, revision, cacheDir, endpoint, token, what, cached });
  } finally {
    release();
  }
}

async function pullOnline(
  options: PullOptions,
  o: {
    repo: string;
    revision: string;
    cacheDir: string;
    endpoint: string;
    token: string | undefined;
    what: string;
    cached: () => CachedModel | undefined;
  },
): Promise<PullResult> {
  const { repo, revision, cacheDir, endpoint, token, what, cached } = o;
  const fetchFn = hubFetch({
    endpoint,
    connectTimeoutMs: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    signal: options.signal,
  });
  let listed: { sha: string; tree: ListFileEntry[] };
  try {
    listed = await listRevision(
      { hubUrl: endpoint, accessToken: token, fetch: fetchFn },
      repo,
      revision,
    );
  } catch (error) {
    if (error instanceof HubError && error.kind === 'unreachable')
      return offlineResult(cached(), what, cacheDir, error.message);
    throw hubRequestError(error, what, endpoint, token);
  }
  const { sha, tree } = listed;
  const chosen = selectFiles(tree, options.dtype, what);
  writeRef(cacheDir, repo, revision, sha);
  const dir = snapshotDir(cacheDir, repo, sha);
  mkdirSync(dir, { recursive: true });
  const plans = chosen.files.map((entry) => ({
    entry,
    pointer: join(dir, entry.path),
    blob: blobPath(cacheDir, repo, entry.lfs?.oid ?? entry.oid ?? entry.xetHash ?? sha),
  }));
  const downloadedBytes = await fetchMissing(plans, {
    ...options,
    endpoint,
    token,
    cacheDir,
    repo,
    sha,
    fetchFn,
  });
  return {
    dir,
    repo,
    revision: sha,
    files: plans.map((p) => p.entry.path),
    bytes: plans.reduce((sum, p) => sum + p.entry.size, 0),
    dtype: chosen.dtype,
    downloadedBytes,
  };
}

async function fetchMissing(
  plans: Plan[],
  o: PullOptions & {
    endpoint: string;
    cacheDir: string;
    repo: string;
    sha: string;
    fetchFn: typeof fetch;
  },
): Promise<number> {
  // Nothing is linked before the disk check; then graphs last (see graphsLast), blobs that
  // are already here (another snapshot, or another path with the same content) included.
  const missing = plans.filter((p) => !existsSync(p.pointer) && !existsSync(p.blob));
  const totalBytes = missing.reduce((sum, p) => sum + p.entry.size, 0);
  const partial = missing.reduce((sum, p) => sum + partialBytes(p.blob), 0);
  checkDisk(o.cacheDir, totalBytes - partial, o.freeBytes ?? freeBytesAt(o.cacheDir));
  let done = 0;
  let downloaded = 0;
  for (const plan of graphsLast(plans, (p) => p.entry.path)) {
    if (existsSync(plan.pointer)) {
      o.onFile?.({ file: plan.entry.path, size: plan.entry.size, downloaded: false });
      continue;
    }
    if (existsSync(plan.blob)) {
      if (missing.includes(plan)) done += plan.entry.size;
      linkBlob(plan.blob, plan.pointer);
      o.onFile?.({ file: plan.entry.path, size: plan.entry.size, downloaded: false });
      continue;
    }
    mkdirSync(dirname(plan.blob), { recursive: true });
    const before = done;
    const onBytes = (n: number) => {
      done += n;
      o.onProgress?.({ file: plan.entry.path, bytes: done, totalBytes });
    };
    await withRetries(o.signal, () => {
      done = before;
      return downloadBlob(
        {
          path: plan.entry.path,
          url: fileUrl(o.endpoint, o.repo, o.sha, plan.entry.path),
          blob: plan.blob,
          size: plan.entry.size,
          sha256: plan.entry.lfs?.oid,
          gitOid: plan.entry.lfs ? undefined : plan.entry.oid,
        },
        { fetch: o.fetchFn, token: o.token, onBytes, stallTimeoutMs: o.stallTimeoutMs },
      );
    });
    linkBlob(plan.blob, plan.pointer);
    downloaded += plan.entry.size;
    o.onFile?.({ file: plan.entry.path, size: plan.entry.size, downloaded: true });
  }
  return downloaded;
}

function partialBytes(blob: string): number {
  return statSync(`${blob}.incomplete`, { throwIfNoEntry: false })?.size ?? 0;
}

/** Runs `attempt` again after a dropped connection; each retry resumes the partial file. */
async function withRetries<T>(
  signal: AbortSignal | undefined,
  attempt: () => Promise<T>,
): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (signal?.aborted || i >= ATTEMPTS || !isTransientNetworkError(error)) throw error;
      await new Promise((r) => setTimeout(r, 200 * i));
    }
  }
}
