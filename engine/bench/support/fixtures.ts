// Where the benchmarks find the checkout's fixtures. Paths are found when asked, from the
// checkout root, because the bundled CLI's modules all live in dist/ and a path built from
// a module's own folder at load time points outside the checkout there.
import { join, resolve } from 'node:path';
import { repoRoot } from './child';

/** A path under test/fixtures of the checkout. */
export function fixturePath(...parts: string[]): string {
  return join(repoRoot(), 'test', 'fixtures', ...parts);
}

/** The shared real fixtures beside the checkout (not committed here), or VLM_SHARED_FIXTURES. */
export function sharedFixturesDir(): string {
  return process.env.VLM_SHARED_FIXTURES ?? resolve(repoRoot(), '../shared/fixtures/real');
}
