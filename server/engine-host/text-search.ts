// On-screen text of a stream (worker side): an OCR text index built on the first search
// (at the stream's frame rate, so its frame indices match the stream's blocks), then used
// by vlm/searchText and as text evidence for the stream's retrieval.
import type { TextEvidenceSource } from '../../engine/cache/retrieval';
import { sharedOcrEngine } from '../../engine/ocr/analyze';
import { buildTextIndex, type TextIndex } from '../../engine/ocr/text-index';
import type { SearchTextResult } from '../../protocol/protocol';
import type { CallContext } from './types';
import { mapEngineError } from './map-engine-error';

interface IndexJob {
  controller: AbortController;
  promise: Promise<TextIndex>;
  index?: TextIndex;
}

const jobs = new Map<string, IndexJob>();

/** Text evidence for retrieval: empty until the stream's text index exists. */
export function lazyTextEvidence(streamId: string): TextEvidenceSource {
  return { search: (query) => jobs.get(streamId)?.index?.evidenceSource().search(query) ?? [] };
}

export async function searchText(
  streamId: string,
  path: string,
  fps: number,
  query: string,
  limit: number | undefined,
  ctx: CallContext,
): Promise<SearchTextResult> {
  const index = await textIndex(streamId, path, fps, ctx);
  const hits = index.search(query, { limit: limit ?? 20 });
  return {
    streamId,
    hits: hits.map((h) => ({
      timeS: h.timeSec,
      frameIndex: h.frameIndex,
      lastSeenS: h.lastSeenSec,
      text: h.text,
      box: { x: h.box.x, y: h.box.y, width: h.box.w, height: h.box.h },
      score: h.score,
    })),
  };
}

export function dropTextIndex(streamId: string): void {
  jobs.get(streamId)?.controller.abort();
  jobs.delete(streamId);
}

function startIndex(streamId: string, path: string, fps: number, ctx: CallContext): IndexJob {
  const controller = new AbortController();
  const job: IndexJob = { controller, promise: Promise.resolve() as unknown as Promise<TextIndex> };
  job.promise = (async () => {
    const { index } = await buildTextIndex(path, {
      engine: await sharedOcrEngine(),
      fps,
      signal: controller.signal,
      onProgress: (p) =>
        ctx.emit({
          kind: 'progress',
          message: `reading on-screen text at ${p.timeSec.toFixed(1)} s (${p.framesIndexed} frames)`,
        }),
    });
    job.index = index;
    return index;
  })();
  job.promise.catch(() => {
    if (jobs.get(streamId) === job) jobs.delete(streamId);
  });
  jobs.set(streamId, job);
  return job;
}

function textIndex(
  streamId: string,
  path: string,
  fps: number,
  ctx: CallContext,
): Promise<TextIndex> {
  const job = jobs.get(streamId) ?? startIndex(streamId, path, fps, ctx);
  // The caller's cancel stops waiting; the index keeps building for the next search.
  return new Promise((resolve, reject) => {
    const onAbort = () =>
      reject(mapEngineError(Object.assign(new Error('cancelled'), { name: 'AbortError' })));
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    job.promise
      .then(resolve, (error: unknown) => reject(mapEngineError(error, path)))
      .finally(() => ctx.signal.removeEventListener('abort', onAbort));
  });
}
