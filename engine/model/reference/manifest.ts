// reference-model.json: written into every generated folder. It marks the folder as a
// generated reference model (so the CLI and editor can say its answers are not meaningful)
// and records what generated it, so a cached copy is regenerated when the generator changes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReferencePresetName } from './presets';

/** Bump when the generated files change for the same preset and seed. */
export const GENERATOR_VERSION = 1;
export const DEFAULT_SEED = 1234;
export const MANIFEST_FILE = 'reference-model.json';
const GENERATOR = 'vlm-stream reference model generator';

export interface ReferenceManifest {
  generator: typeof GENERATOR;
  generatorVersion: number;
  preset: ReferencePresetName;
  seed: number;
  note: string;
  /** Files of the folder (relative paths), this manifest excluded. */
  files: string[];
}

export function makeManifest(
  preset: ReferencePresetName,
  seed: number,
  files: string[],
): ReferenceManifest {
  return {
    generator: GENERATOR,
    generatorVersion: GENERATOR_VERSION,
    preset,
    seed,
    note: 'Generated with deterministic random weights: the architecture and compute are real, the answers are not meaningful.',
    files: [...files].sort(),
  };
}

/** The manifest of a model folder, or undefined when it is not a generated reference model. */
export function readReferenceManifest(dir: string): ReferenceManifest | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  const manifest = parsed as Partial<ReferenceManifest>;
  if (manifest?.generator !== GENERATOR || typeof manifest.seed !== 'number') return undefined;
  return manifest as ReferenceManifest;
}

/** True when the folder was written by the reference model generator. */
export function isReferenceModel(dir: string): boolean {
  return readReferenceManifest(dir) !== undefined;
}
