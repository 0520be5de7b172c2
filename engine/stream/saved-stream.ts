// Encode once, ask many times, at the stream level: a stream reopened from its saved
// folder (engine/cache/persistence reads and checks the files), and a fully ingested stream
// saved there. A folder that cannot be used is removed and the source encoded again.
import { renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { BlockStore } from '../cache/block-store';
import { enforceDiskBudget, reopenEncodedStream, saveEncodedStream } from '../cache/persistence';
import type { FrameTextIndex } from '../cache/retrieval/text-index';
import type { StreamModel } from './model-port';
import type { KvStream } from './stream';

/** Restores the stream saved in `dir` into a new engine; false when there is none to use. */
export function reopenInto(
  dir: string,
  engine: KvStream,
  store: BlockStore,
  textIndex: FrameTextIndex | undefined,
  warn: (message: string) => void,
): boolean {
  const saved = reopenEncodedStream(dir);
  if (!saved.ok) {
    if (!saved.missing) {
      warn(`the saved stream at ${dir} is unusable (${saved.reason}); encoding the source again`);
      store.clear(false);
      rmSync(dir, { recursive: true, force: true });
    }
    return false;
  }
  const { manifest } = saved;
  engine.restore({
    sink: saved.sink,
    recent: saved.recent,
    nextBlockId: manifest.nextBlockId,
    framesEncoded: manifest.framesEncoded,
    framesSkipped: manifest.framesSkipped,
    streamEndSec: manifest.streamEndSec,
  });
  for (const r of saved.retrievable) store.adopt(r.meta, r.path);
  if (textIndex)
    for (const b of [...saved.retrievable.map((r) => r.meta), ...saved.recent])
      if (b.text) textIndex.add(b.frameIndex, b.timeSec, b.text);
  return true;
}

export interface SavedStreamParts {
  engine: KvStream;
  store: BlockStore;
  source: string;
  model: StreamModel;
  /** Saved streams in use, which the disk budget never removes. */
  openDirs: Set<string>;
  /** Where the stream was spilled while encoding; the save completes it and renames it to `dir`. */
  workDir: string;
}

/** Saves a fully ingested stream; a failure is a warning, and the stream stays askable until closed. */
export function saveInto(
  dir: string,
  parts: SavedStreamParts,
  diskBudgetBytes: number,
  warn: (message: string) => void,
): void {
  const { engine, store, model, workDir } = parts;
  try {
    const state = engine.snapshot();
    const files = store.flushTo(workDir);
    saveEncodedStream(
      workDir,
      {
        key: basename(dir),
        source: parts.source,
        modelIdentity: model.identity,
        settings: model.settings,
        framesEncoded: state.framesEncoded,
        framesSkipped: state.framesSkipped,
        streamEndSec: state.streamEndSec,
        nextBlockId: state.nextBlockId,
      },
      {
        sink: state.sink,
        recent: state.recent,
        retrievableFiles: files,
        retrievable: store.metas(),
      },
      model.spec,
    );
    // Only a whole save appears under the stream's name; a failed one is removed on close.
    renameSync(workDir, dir);
    store.relocate(workDir, dir);
    keepWithinBudget(dir, diskBudgetBytes, parts.openDirs, warn);
  } catch (error) {
    warn(
      `could not save the encoded stream to ${dir} (${(error as Error).message}); it stays usable until it is closed, and is not kept`,
    );
  }
}

/**
 * Removes the least recently used saved streams beside `dir` until the folder fits the
 * budget. Streams in use are never removed, so this runs again when one closes: until then
 * the folder may be over budget by the open streams.
 */
export function keepWithinBudget(
  dir: string,
  diskBudgetBytes: number,
  openDirs: Set<string>,
  warn: (message: string) => void,
): void {
  try {
    const removed = enforceDiskBudget(join(dir, '..'), diskBudgetBytes, openDirs);
    if (removed.length)
      warn(`disk budget: removed ${removed.length} least recently used saved stream(s)`);
  } catch (error) {
    warn(`disk budget: could not trim the saved streams (${(error as Error).message})`);
  }
}
