// Encode once, ask many times: an encoded stream (sink, recent window, retrievable blocks)
// is saved under <cacheDir>/streams/<key>/ and reopened without re-encoding. The key hashes
// the source's content, the model identity and the settings that change the encoded KV.
// The manifest is written last (atomically) and carries its own checksum, so a half-saved
// stream is never reopened; every block file is verified when read.
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
} from 'node:fs';
import { join } from 'node:path';
import { layoutFromJson, layoutToJson, type LayoutJson } from '../model/positions';
import { directorySize } from '../util/files';
import type { BlockMeta, KvBlock } from './block';
import { decodeBlock, encodeBlock } from './block-codec';
import { atomicWrite, blockFileName } from './block-store';

export const PERSIST_FORMAT_VERSION = 1;
const MANIFEST = 'manifest.json';
/** Files up to this size are hashed whole; larger ones by size plus 16 evenly spaced 1 MiB samples. */
const FULL_HASH_LIMIT = 256 * 1024 * 1024;

/** A content hash of a source file (not its name or mtime: a copied file reuses its cache). */
export function sourceContentHash(path: string): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const chunk = Buffer.alloc(1024 * 1024);
    hash.update(`size:${size};`);
    if (size <= FULL_HASH_LIMIT) {
      let at = 0;
      while (at < size) {
        const n = readSync(fd, chunk, 0, chunk.length, at);
        if (n <= 0) break;
        hash.update(chunk.subarray(0, n));
        at += n;
      }
    } else {
      for (let i = 0; i < 16; i++) {
        const at = Math.floor(((size - chunk.length) * i) / 15);
        hash.update(chunk.subarray(0, readSync(fd, chunk, 0, chunk.length, at)));
      }
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** The key of a persisted stream: everything that changes its encoded KV. */
export function persistKey(parts: {
  sourceHash: string;
  modelIdentity: string;
  settings: Record<string, unknown>;
}): string {
  const canonical = JSON.stringify({
    v: PERSIST_FORMAT_VERSION,
    source: parts.sourceHash,
    model: parts.modelIdentity,
    settings: sortKeys(parts.settings),
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  return value;
}

interface PersistedBlock extends Omit<BlockMeta, 'representatives' | 'layout'> {
  file: string;
  layout?: LayoutJson;
  representatives: string[];
}

export interface PersistedManifest {
  version: number;
  key: string;
  source: string;
  modelIdentity: string;
  settings: Record<string, unknown>;
  framesEncoded: number;
  framesSkipped: number;
  streamEndSec: number;
  nextBlockId: number;
  sink: { file: string; tokenCount: number };
  recent: PersistedBlock[];
  retrievable: PersistedBlock[];
}

export interface EncodedStreamState {
  sink: KvBlock;
  recent: KvBlock[];
  /** Retrievable blocks already written by the block store: id -> file path. */
  retrievableFiles: Map<number, string>;
  retrievable: BlockMeta[];
}

/** Saves the stream (sink and recent at full precision) and then its manifest. */
export function saveEncodedStream(
  dir: string,
  header: Omit<PersistedManifest, 'sink' | 'recent' | 'retrievable' | 'version'>,
  state: EncodedStreamState,
  spec: { numKvHeads: number; headDim: number },
): void {
  const write = (name: string, block: KvBlock) => {
    atomicWrite(join(dir, name), encodeBlock(block, 32, spec.numKvHeads, spec.headDim));
    return name;
  };
  const sinkFile = write('sink.kvb', state.sink);
  const recent = state.recent.map((b) =>
    persistedBlock(b, write(`recent-${blockFileName(b.id)}`, b)),
  );
  const retrievable = state.retrievable.map((m) => {
    const path = state.retrievableFiles.get(m.id);
    if (!path) throw new Error(`block ${m.id} has no file to persist`);
    return persistedBlock(m, path.slice(dir.length + 1));
  });
  const manifest: PersistedManifest = {
    version: PERSIST_FORMAT_VERSION,
    ...header,
    sink: { file: sinkFile, tokenCount: state.sink.tokenCount },
    recent,
    retrievable,
  };
  const body = JSON.stringify(manifest);
  const checksum = createHash('sha256').update(body).digest('hex');
  atomicWrite(join(dir, MANIFEST), Buffer.from(JSON.stringify({ checksum, body })));
}

function persistedBlock(meta: BlockMeta, file: string): PersistedBlock {
  return {
    id: meta.id,
    frameIndex: meta.frameIndex,
    timeSec: meta.timeSec,
    tokenCount: meta.tokenCount,
    keyPosition: meta.keyPosition,
    ...(meta.layout ? { layout: layoutToJson(meta.layout) } : {}),
    text: meta.text,
    untilSec: meta.untilSec,
    file,
    representatives: meta.representatives.map((r) =>
      Buffer.from(r.buffer, r.byteOffset, r.byteLength).toString('base64'),
    ),
  };
}

export type ReopenResult =
  | {
      ok: true;
      manifest: PersistedManifest;
      sink: KvBlock;
      recent: KvBlock[];
      retrievable: { meta: BlockMeta; path: string }[];
    }
  | { ok: false; missing: boolean; reason: string };

/**
 * Reopens a saved stream. The manifest checksum, the sink and recent blocks are verified
 * now; retrievable block files are checked for presence and size now and verified fully
 * whenever they are read.
 */
export function reopenEncodedStream(dir: string): ReopenResult {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) return { ok: false, missing: true, reason: `no saved stream at ${dir}` };
  try {
    const { checksum, body } = JSON.parse(readFileSync(path, 'utf8')) as {
      checksum: string;
      body: string;
    };
    if (createHash('sha256').update(body).digest('hex') !== checksum)
      return { ok: false, missing: false, reason: `${path}: checksum mismatch` };
    const manifest = JSON.parse(body) as PersistedManifest;
    if (manifest.version !== PERSIST_FORMAT_VERSION)
      return {
        ok: false,
        missing: false,
        reason: `${path}: format ${manifest.version}, expected ${PERSIST_FORMAT_VERSION}`,
      };
    const load = (file: string) => decodeBlock(readFileSync(join(dir, file)), join(dir, file));
    const sink = load(manifest.sink.file);
    const recent = manifest.recent.map((b) => load(b.file));
    const retrievable = manifest.retrievable.map((b) => {
      const file = join(dir, b.file);
      if (!existsSync(file)) throw new Error(`${file} is missing`);
      return { meta: restoreMeta(b), path: file };
    });
    utimesSync(path, new Date(), new Date());
    return { ok: true, manifest, sink, recent, retrievable };
  } catch (error) {
    return {
      ok: false,
      missing: false,
      reason: error instanceof Error ? error.message : String(error),
    };
  }
}

function restoreMeta(b: PersistedBlock): BlockMeta {
  return {
    id: b.id,
    frameIndex: b.frameIndex,
    timeSec: b.timeSec,
    tokenCount: b.tokenCount,
    keyPosition: b.keyPosition,
    ...(b.layout ? { layout: layoutFromJson(b.layout, b.tokenCount) } : {}),
    text: b.text,
    untilSec: b.untilSec,
    representatives: b.representatives.map((s) => {
      const bytes = Buffer.from(s, 'base64');
      return new Float32Array(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      );
    }),
  };
}

/**
 * Keeps <root> (one folder per saved stream) within `budgetBytes` by deleting the least
 * recently used streams (manifest mtime, touched on every reopen); `keep` are never deleted.
 * Returns the folders removed.
 */
export function enforceDiskBudget(root: string, budgetBytes: number, keep: Set<string>): string[] {
  if (!existsSync(root)) return [];
  const streams = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => {
      const dir = join(root, e.name);
      const manifest = join(dir, MANIFEST);
      const used = existsSync(manifest) ? statSync(manifest).mtimeMs : statSync(dir).mtimeMs;
      return { dir, used, bytes: directorySize(dir) };
    })
    .sort((a, b) => a.used - b.used);
  let total = streams.reduce((n, s) => n + s.bytes, 0);
  const removed: string[] = [];
  for (const s of streams) {
    if (total <= budgetBytes) break;
    if (keep.has(s.dir)) continue;
    rmSync(s.dir, { recursive: true, force: true });
    total -= s.bytes;
    removed.push(s.dir);
  }
  return removed;
}
