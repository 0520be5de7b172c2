// The Hugging Face cache layout, as huggingface_hub writes it:
//   <cache>/models--org--name/blobs/<etag>             file contents (sha256 for LFS files)
//   <cache>/models--org--name/snapshots/<sha>/<path>   relative symlinks to the blobs
//   <cache>/models--org--name/refs/<revision>          the commit a branch or tag pointed at
// https://huggingface.co/docs/huggingface_hub/guides/manage-cache
import { getRepoFolderName } from '@huggingface/hub';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { selectFiles, type PullDtype, type RepoFile } from './dtype-files';
import type { ModelDtype } from '../model/folder';

const COMMIT = /^[0-9a-f]{40}$/;

export function isCommitSha(revision: string): boolean {
  return COMMIT.test(revision);
}

export function repoDir(cacheDir: string, repo: string): string {
  return join(cacheDir, getRepoFolderName({ type: 'model', name: repo }));
}

export function snapshotDir(cacheDir: string, repo: string, sha: string): string {
  return join(repoDir(cacheDir, repo), 'snapshots', sha);
}

export function blobPath(cacheDir: string, repo: string, etag: string): string {
  return join(repoDir(cacheDir, repo), 'blobs', etag);
}

/** The commit `revision` names in the cache: itself when it is a commit, else refs/<revision>. */
export function cachedCommit(cacheDir: string, repo: string, revision: string): string | undefined {
  if (isCommitSha(revision)) return revision;
  const ref = join(repoDir(cacheDir, repo), 'refs', revision);
  if (!existsSync(ref)) return undefined;
  const sha = readFileSync(ref, 'utf8').trim();
  return isCommitSha(sha) ? sha : undefined;
}

export function writeRef(cacheDir: string, repo: string, revision: string, sha: string): void {
  if (revision === sha) return;
  const ref = join(repoDir(cacheDir, repo), 'refs', revision);
  mkdirSync(dirname(ref), { recursive: true });
  writeFileSync(ref, sha);
}

/** Points a snapshot path at its blob with a relative symlink (a copy where links fail). */
export function linkBlob(blob: string, pointer: string): void {
  mkdirSync(dirname(pointer), { recursive: true });
  rmSync(pointer, { force: true });
  try {
    symlinkSync(relative(dirname(pointer), blob), pointer);
  } catch {
    copyFileSync(blob, pointer);
  }
}

/** The files under a snapshot (links followed; broken links left out) with their sizes. */
export function snapshotFiles(dir: string, prefix = ''): RepoFile[] {
  let entries;
  try {
    entries = readdirSync(join(dir, prefix), { withFileTypes: true });
  } catch {
    return [];
  }
  const files: RepoFile[] = [];
  for (const entry of entries) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    const stats = statSync(join(dir, path), { throwIfNoEntry: false });
    if (stats?.isDirectory()) files.push(...snapshotFiles(dir, path));
    else if (stats?.isFile()) files.push({ path, size: stats.size });
  }
  return files;
}

export interface CachedModel {
  dir: string;
  repo: string;
  revision: string;
  files: string[];
  bytes: number;
  dtype: ModelDtype;
}

/** A snapshot already in the cache holding every file `dtype` needs, or undefined. */
export function findCachedModel(
  cacheDir: string,
  repo: string,
  revision: string,
  dtype: PullDtype,
): CachedModel | undefined {
  const sha = cachedCommit(cacheDir, repo, revision);
  if (!sha) return undefined;
  const dir = snapshotDir(cacheDir, repo, sha);
  try {
    const chosen = selectFiles(snapshotFiles(dir), dtype, repo);
    return {
      dir,
      repo,
      revision: sha,
      files: chosen.files.map((f) => f.path),
      bytes: chosen.files.reduce((sum, f) => sum + f.size, 0),
      dtype: chosen.dtype,
    };
  } catch {
    return undefined;
  }
}

export interface PulledModel {
  repo: string;
  /** Each snapshot: its commit, the refs pointing at it, its folder and size. */
  snapshots: { revision: string; refs: string[]; dir: string; bytes: number }[];
  /** Bytes of the repository's blobs (shared by its snapshots). */
  bytes: number;
}

function folderBytes(dir: string): number {
  return snapshotFiles(dir).reduce((sum, f) => sum + f.size, 0);
}

/** The model repositories in the cache that hold an ONNX model. */
export function listPulledModels(cacheDir: string): PulledModel[] {
  if (!existsSync(cacheDir)) return [];
  const models: PulledModel[] = [];
  for (const entry of readdirSync(cacheDir)) {
    if (!entry.startsWith('models--')) continue;
    const repo = entry.slice('models--'.length).split('--').join('/');
    const root = join(cacheDir, entry);
    const refsDir = join(root, 'refs');
    const refs = existsSync(refsDir) ? readdirSync(refsDir) : [];
    const shas = existsSync(join(root, 'snapshots')) ? readdirSync(join(root, 'snapshots')) : [];
    const snapshots = shas
      .map((sha) => ({
        revision: sha,
        refs: refs.filter((r) => cachedCommit(cacheDir, repo, r) === sha),
        dir: snapshotDir(cacheDir, repo, sha),
        bytes: 0,
      }))
      .filter((s) => existsSync(join(s.dir, 'config.json')) && existsSync(join(s.dir, 'onnx')))
      .map((s) => ({ ...s, bytes: folderBytes(s.dir) }));
    if (snapshots.length) models.push({ repo, snapshots, bytes: folderBytes(join(root, 'blobs')) });
  }
  return models.sort((a, b) => a.repo.localeCompare(b.repo));
}

/** Deletes a repository from the cache; returns the bytes its blobs held, or undefined when absent. */
export function removePulledModel(cacheDir: string, repo: string): number | undefined {
  const root = repoDir(cacheDir, repo);
  if (!existsSync(root)) return undefined;
  const bytes = folderBytes(join(root, 'blobs'));
  rmSync(root, { recursive: true, force: true });
  return bytes;
}
