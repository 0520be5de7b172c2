// The Download Model quick pick: one item per catalog model, with its download size for
// each precision, the default model first. Pure (no vscode), so the unit tests read it.
import type { CatalogModel, ModelDtype } from '../../protocol/models-pull';
import { formatBytes } from '../format';

export interface CatalogItem {
  label: string;
  description: string;
  detail: string;
  repo: string;
}

/** Smallest first: the precision most people want on a laptop is the smallest that works. */
const DTYPE_ORDER: readonly ModelDtype[] = ['q4', 'q8', 'fp16', 'fp32'];

export function catalogItems(models: readonly CatalogModel[], defaultRepo: string): CatalogItem[] {
  const ordered = [...models].sort(
    (a, b) => Number(b.repo === defaultRepo) - Number(a.repo === defaultRepo),
  );
  return ordered.map((m) => ({
    label: m.title,
    description: `${m.repo}${m.repo === defaultRepo ? ' · recommended' : ''}${m.trainedOnVideo ? ' · trained on video' : ''}`,
    detail: sizesText(m.sizes),
    repo: m.repo,
  }));
}

export function sizesText(sizes: CatalogModel['sizes']): string {
  const parts = DTYPE_ORDER.filter((d) => sizes[d] !== undefined).map(
    (d) => `${d} ${formatBytes(sizes[d]!)}`,
  );
  return parts.length ? `Download: ${parts.join(' · ')}` : 'Download size unknown';
}
