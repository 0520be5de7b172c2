// Loads a model folder for the benchmarks and adapts it to the stream engine. Retrieval by
// question queries needs a second decoder graph with extra outputs; when that graph cannot
// be built (seen with external-data weights), the question falls back to key retrieval
// and the fallback is reported instead of failing the benchmark.
import { loadModel, type VisionLanguageModel } from '../../model';
import type { AskOptions, AskResult, StreamModel, VideoStream } from '../../stream';
import { adaptModel } from '../../stream/model-adapter';

export interface BenchModel {
  model: VisionLanguageModel;
  port: StreamModel;
  /** Set when the query-output graph failed and retrieval fell back to keys. */
  fallback: string | null;
  dispose(): Promise<void>;
}

export async function loadBenchModel(dir: string): Promise<BenchModel> {
  const model = await loadModel(dir);
  const port: StreamModel = { ...adaptModel(model) };
  return { model, port, fallback: null, dispose: () => model.dispose() };
}

/** stream.ask, retried once with key retrieval when the query-output graph cannot load. */
export async function askBench(
  bench: BenchModel,
  stream: VideoStream,
  question: string,
  options: AskOptions,
): Promise<AskResult> {
  try {
    const result = await stream.ask(question, options);
    // The model itself falls back to keys (with one warning) when the query graph cannot be built.
    if (!bench.model.supportsQueries)
      bench.fallback ??= bench.model.warnings.find((w) => /query vectors/.test(w)) ?? null;
    return result;
  } catch (error) {
    const message = (error as Error).message;
    if (!bench.port.supportsQueries || !/query outputs/.test(message)) throw error;
    (bench.port as { supportsQueries: boolean }).supportsQueries = false;
    bench.fallback = `query-output graph unavailable (${message.split('\n')[0].slice(0, 160)}); retrieval used question keys`;
    return stream.ask(question, options);
  }
}
