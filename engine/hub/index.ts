// TEMP hub interface: stands in for engine/hub until the hub engineer's module is merged.
export interface CatalogEntry {
  repo: string;
  title: string;
  trainedOnVideo: boolean;
  sizes: Partial<Record<'fp32' | 'fp16' | 'q8' | 'q4', number>>;
}

export const DEFAULT_MODEL_REPO = 'HuggingFaceTB/SmolVLM2-256M-Video-Instruct';

export const MODEL_CATALOG: readonly CatalogEntry[] = [
  {
    repo: DEFAULT_MODEL_REPO,
    title: 'SmolVLM2 256M Video Instruct',
    trainedOnVideo: true,
    sizes: { q4: 200_000_000 },
  },
];

export function pullModel(o: {
  repo: string;
  revision?: string;
  dtype: 'auto' | 'fp32' | 'fp16' | 'q8' | 'q4';
  cacheDir?: string;
  endpoint?: string;
  token?: string;
  signal?: AbortSignal;
  onProgress?: (p: { file: string; bytes: number; totalBytes: number }) => void;
}): Promise<{ dir: string; repo: string; revision: string; files: string[]; bytes: number }> {
  return Promise.reject(new Error(`pullModel(${o.repo}): not built yet`));
}
