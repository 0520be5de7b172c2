// Screenshot sessions saved between processes: each `vlm analyze --session NAME` is a new
// process, so what a session remembers is written to the cache folder after each
// screenshot and read back before the next. One JSON file per session, written to a
// temporary name and renamed; files idle past the session lifetime are deleted, and at
// most `maxSessions` files are kept (the least recently used go first).
import {
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { join } from 'node:path';
import { SessionCropMemo, type MemoEntry } from './crop-memo';
import { checkSessionName, type ScreenSessionLimits, type ScreenSessionState } from './store';
import type { TileSignature } from './tiles';

const VERSION = 1;
const SUFFIX = '.session.json';

interface SavedSession {
  version: number;
  name: string;
  lastUsedMs: number;
  frame: number;
  tiles?: TileSignature;
  entries: [string, MemoEntry][];
}

export function sessionsDir(cacheDir: string): string {
  return join(cacheDir, 'screen-sessions');
}

const fileOf = (dir: string, name: string) => join(dir, `${checkSessionName(name)}${SUFFIX}`);

/** The saved state of `name`, or undefined when there is none or it cannot be read back. */
export function loadSession(dir: string, name: string): ScreenSessionState | undefined {
  let saved: SavedSession;
  try {
    saved = JSON.parse(readFileSync(fileOf(dir, name), 'utf8')) as SavedSession;
  } catch {
    return undefined;
  }
  // A file from another version, or one that is not what this module wrote, starts afresh.
  if (saved?.version !== VERSION || saved.name !== name || !Array.isArray(saved.entries))
    return undefined;
  return {
    memo: new SessionCropMemo(saved.entries, saved.frame),
    tiles: saved.tiles,
    lastUsedMs: saved.lastUsedMs,
  };
}

export function saveSession(
  dir: string,
  name: string,
  state: ScreenSessionState,
  limits: ScreenSessionLimits,
  now = Date.now(),
): void {
  mkdirSync(dir, { recursive: true });
  const saved: SavedSession = {
    version: VERSION,
    name,
    lastUsedMs: state.lastUsedMs,
    frame: state.memo.frameNumber,
    tiles: state.tiles,
    entries: state.memo.snapshot(),
  };
  const path = fileOf(dir, name);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(saved));
  renameSync(temporary, path);
  pruneSessions(dir, limits, now);
}

/** Deletes a saved session; true when there was one. */
export function deleteSession(dir: string, name: string): boolean {
  try {
    unlinkSync(fileOf(dir, name));
    return true;
  } catch {
    return false;
  }
}

/** Deletes expired session files, then the oldest beyond `maxSessions`. */
export function pruneSessions(dir: string, limits: ScreenSessionLimits, now = Date.now()): void {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(SUFFIX))
    .map((f) => ({ path: join(dir, f), mtimeMs: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  files.forEach((file, i) => {
    if (i >= limits.maxSessions || now - file.mtimeMs > limits.idleMs) unlinkSync(file.path);
  });
}
