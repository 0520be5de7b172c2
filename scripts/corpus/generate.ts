// Generates the bad-input corpus into a folder: the inputs (damaged media, bombs, odd files,
// hostile names, broken model folders) and cases.json, the list of cases for all four entry
// points. Deterministic: the same code gives the same cases and bytes.
//
//   node --import tsx scripts/corpus/generate.ts OUT_DIR
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cliCases } from './cases-cli';
import { httpCases } from './cases-http';
import { lspCases } from './cases-lsp';
import { mcpCases } from './cases-mcp';
import { makeMaterials, type Materials } from './materials';
import type { CorpusCase } from './types';

export interface Corpus {
  materials: Materials;
  cases: CorpusCase[];
}

/** The command that runs the `vlm` CLI of this checkout. */
export const VLM = [process.execPath, resolve(__dirname, '..', '..', 'bin', 'vlm.js')];

export async function generateCorpus(root: string): Promise<Corpus> {
  mkdirSync(root, { recursive: true });
  const materials = await makeMaterials(root, VLM);
  const cases = [
    ...cliCases(materials),
    ...mcpCases(materials),
    ...lspCases(materials),
    ...httpCases(materials),
  ];
  const ids = new Set<string>();
  for (const c of cases) {
    if (ids.has(c.id)) throw new Error(`corpus: case id ${c.id} is used twice`);
    ids.add(c.id);
  }
  writeFileSync(join(root, 'cases.json'), JSON.stringify(cases, null, 1));
  return { materials, cases };
}

if (require.main === module) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node --import tsx scripts/corpus/generate.ts OUT_DIR');
    process.exit(2);
  }
  generateCorpus(resolve(out)).then(
    ({ cases }) => console.log(`corpus: ${cases.length} cases in ${resolve(out)}/cases.json`),
    (error: unknown) => {
      console.error(`corpus: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
