// What "a session's analysis equals a fresh one" means, in code: the same image size and
// the same elements, lines, blocks, query and matches, field by field and in the same
// order, with numbers (boxes, confidences, scores) equal exactly. Timings and the
// session's own report are not part of the analysis.
import { isDeepStrictEqual } from 'node:util';
import type { ScreenAnalysis } from '../../ocr/types';

type Comparable = Omit<ScreenAnalysis, 'timings'> & { timings?: unknown; session?: unknown };

function content(a: Comparable): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { timings, session, ...rest } = a;
  return rest;
}

export function sameAnalysis(a: Comparable, b: Comparable): boolean {
  return isDeepStrictEqual(content(a), content(b));
}

/** The first difference, for a test's failure message; undefined when they are the same. */
export function firstDifference(a: Comparable, b: Comparable): string | undefined {
  const left = content(a);
  const right = content(b);
  for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
    const x = left[key];
    const y = right[key];
    if (isDeepStrictEqual(x, y)) continue;
    if (Array.isArray(x) && Array.isArray(y)) {
      const i = x.findIndex((item, k) => !isDeepStrictEqual(item, y[k]));
      const at = i < 0 ? Math.min(x.length, y.length) : i;
      return `${key}[${at}]: ${JSON.stringify(x[at])} vs ${JSON.stringify(y[at])} (lengths ${x.length}, ${y.length})`;
    }
    return `${key}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`;
  }
  return undefined;
}
