// ask_video for the MCP server: open the video as a stream on the configured model (or
// the generated reference model), wait for it to be ingested, ask, and close. The
// encoded stream is persisted in the cache, so asking again about the same video reuses it.
import { configuredModelDir, defaultCacheDir } from '../config';
import { loadModel } from '../model';
import { ensureReferenceModel } from '../model/reference';
import { openStream } from '../stream';
import { adaptModel } from '../stream/model-adapter';

export interface AskVideoResult {
  answer: string;
  model: string;
  /** True when no model is configured and the generated reference model answered. */
  referenceModel: boolean;
  evidence: { timeSec: number; frameIndex: number; score: number; text?: string }[];
  timings: { ttftMs: number; totalMs: number };
  warnings: string[];
}

export async function askVideo(
  path: string,
  question: string,
  options: { maxTokens?: number; signal?: AbortSignal } = {},
): Promise<AskVideoResult> {
  const configured = configuredModelDir();
  const model = await loadModel(configured ?? (await ensureReferenceModel('tiny')));
  const warnings: string[] = [];
  try {
    const stream = await openStream(path, {
      model: adaptModel(model),
      cacheDir: defaultCacheDir(),
      signal: options.signal,
      onWarning: (m) => warnings.push(m),
    });
    try {
      await stream.ready;
      const result = await stream.ask(question, {
        maxTokens: options.maxTokens ?? 128,
        signal: options.signal,
      });
      return {
        answer: result.answer,
        model: configured ?? 'reference-tiny',
        referenceModel: !configured,
        evidence: result.evidence.map((e) => ({
          timeSec: e.timeSec,
          frameIndex: e.frameIndex,
          score: e.score,
          text: e.text,
        })),
        timings: { ttftMs: result.timings.ttftMs, totalMs: result.timings.totalMs },
        warnings,
      };
    } finally {
      await stream.close();
    }
  } finally {
    await model.dispose();
  }
}
