// Every real screenshot the project has, with the strings a person read off it, split into
// the set the screen-text pipeline may be tuned on and a held-out set that only measures:
//  - tuning: test/fixtures/screens, the screenshots of test/fixtures/real, and
//    test/fixtures/screens-tuning, with the shared fixture listed in its SHARED.tsv and the
//    controls screenshots listed in its CONTROLS.tsv;
//  - held-out: test/fixtures/screens-held-out, the screenshots listed in its CONTROLS.tsv
//    (images in test/fixtures/screens-controls, added for the controls detector), and the
//    shared fixtures listed in its SHARED.tsv.
// Shared fixtures are not committed here: their verified strings are in a SHARED.tsv and
// their images are read from ../shared/fixtures/real when that folder exists. A held-out
// screenshot whose reading was looked at to change the pipeline moves to the tuning set
// (docs/screen-text.md names the ones that did).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readManifest, verifiedStrings } from './ocr-recall';
import { fixturePath, sharedFixturesDir } from './support/fixtures';

export type ScreenSet = 'tuning' | 'held-out';

export interface CorpusScreenshot {
  file: string;
  path: string;
  set: ScreenSet;
  width: number;
  height: number;
  /** The quoted strings after "Verified" in its manifest line. */
  strings: string[];
}

/** Manifests and the folder their files are in, with the set each belongs to. */
const SOURCES: { manifest: string; images: string | null; set: ScreenSet }[] = [
  { manifest: 'screens/MANIFEST.tsv', images: 'screens', set: 'tuning' },
  { manifest: 'real/MANIFEST.tsv', images: 'real', set: 'tuning' },
  { manifest: 'screens-tuning/MANIFEST.tsv', images: 'screens-tuning', set: 'tuning' },
  // null: the shared fixtures folder beside the checkout
  { manifest: 'screens-tuning/SHARED.tsv', images: null, set: 'tuning' },
  // controls screenshots whose readings were looked at to change the pipeline
  { manifest: 'screens-tuning/CONTROLS.tsv', images: 'screens-controls', set: 'tuning' },
  { manifest: 'screens-held-out/MANIFEST.tsv', images: 'screens-held-out', set: 'held-out' },
  // screenshots added for the controls detector, never used to tune the OCR
  { manifest: 'screens-held-out/CONTROLS.tsv', images: 'screens-controls', set: 'held-out' },
  // null: the shared fixtures folder beside the checkout
  { manifest: 'screens-held-out/SHARED.tsv', images: null, set: 'held-out' },
];

/** The screenshots whose image is present; `missing` names the ones that are not. */
export function realScreenshots(): { screenshots: CorpusScreenshot[]; missing: string[] } {
  // The checkout's root, also from the bundled CLI in dist/.
  const fixtures = fixturePath();
  const shared = sharedFixturesDir();
  const screenshots: CorpusScreenshot[] = [];
  const missing: string[] = [];
  for (const source of SOURCES) {
    const manifest = join(fixtures, source.manifest);
    if (!existsSync(manifest)) continue;
    for (const entry of readManifest(manifest)) {
      if (entry.kind !== 'screenshot') continue;
      const path = resolve(fixtures, source.images ?? shared, entry.file);
      if (!existsSync(path)) {
        missing.push(entry.file);
        continue;
      }
      screenshots.push({
        file: entry.file,
        path,
        set: source.set,
        width: entry.width,
        height: entry.height,
        strings: verifiedStrings(entry.description),
      });
    }
  }
  return { screenshots, missing };
}
