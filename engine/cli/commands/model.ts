// `vlm model generate|validate|list|pull|rm`: write the reference model, check a model
// folder, list the models this install knows about; pull and rm are in model-hub.ts.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  configuredModelDir,
  defaultCacheDir,
  EXECUTION_PROVIDERS,
  type ExecutionProviderChoice,
} from '../../config';
import { MODEL_DTYPES, type ModelDtype } from '../../model/folder';
import { validateModelFolder, type ValidationReport } from '../../model/open';
import {
  ensureReferenceModel,
  generateReferenceModel,
  isReferencePresetName,
  readReferenceManifest,
  REFERENCE_PRESETS,
} from '../../model/reference';
import { ExitCode, UsageError, type Command, type CommandIo } from '../command';
import { formatPulled, HUB_HELP, HUB_USAGE, pull, pulledModels, remove } from './model-hub';

const USAGE = `Usage:
  vlm model generate --preset ${REFERENCE_PRESETS.join('|')} [--out DIR] [--seed N]
  vlm model validate DIR [--dtype ${MODEL_DTYPES.join('|')}] [--provider ${EXECUTION_PROVIDERS.join('|')}] [--json]
  vlm model list [--json]
${HUB_USAGE}

generate  Writes the generated reference model (SmolVLM layout, or Qwen2-VL's for the
          qwen2-vl-* presets; deterministic weights, its answers mean nothing). Without --out it goes to the cache directory
          (reused when already there) and the path is printed.
validate  Opens every part of a model folder in the Hugging Face ONNX layout and checks
          file names, tensor names, types and shapes against config.json. Prints what
          was found and what is wrong; exits 1 when the folder cannot be used.
list      The configured model (VLM_MODEL_DIR), the reference models in the cache, the
          models pulled from the Hub with their sizes, and the catalog's models to pull.
${HUB_HELP}
`;

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function generate(args: string[], io: CommandIo): Promise<number> {
  const { values } = parse(args, {
    preset: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string' },
  });
  const preset = String(values.preset ?? '');
  if (!isReferencePresetName(preset))
    throw new UsageError(`--preset must be one of ${REFERENCE_PRESETS.join(', ')}`);
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed))
    throw new UsageError('--seed must be an integer');
  if (values.out) {
    const out = resolve(String(values.out));
    const written = await generateReferenceModel({ preset, outDir: out, seed });
    io.out(`wrote reference model '${preset}' (${written.files.length} files) to ${written.dir}`);
    return ExitCode.ok;
  }
  const dir = await ensureReferenceModel(preset, defaultCacheDir(), seed);
  io.out(dir);
  return ExitCode.ok;
}

export function formatValidation(report: ValidationReport): string {
  const lines = [`model folder ${report.dir}: ${report.ok ? 'OK' : 'INVALID'}`];
  if (report.found.length) lines.push('found:', ...report.found.map((f) => `  ${f}`));
  if (report.problems.length) lines.push('problems:', ...report.problems.map((p) => `  ${p}`));
  return lines.join('\n');
}

async function validate(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parse(args, {
    dtype: { type: 'string' },
    provider: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one model folder');
  const dtype = values.dtype as ModelDtype | undefined;
  if (dtype !== undefined && !MODEL_DTYPES.includes(dtype))
    throw new UsageError(`--dtype must be one of ${MODEL_DTYPES.join(', ')}`);
  const provider = (values.provider ?? 'cpu') as ExecutionProviderChoice;
  if (!EXECUTION_PROVIDERS.includes(provider))
    throw new UsageError(`--provider must be one of ${EXECUTION_PROVIDERS.join(', ')}`);
  const report = await validateModelFolder(resolve(positionals[0]), { dtype, provider });
  io.out(values.json ? JSON.stringify(report, null, 2) : formatValidation(report));
  return report.ok ? ExitCode.ok : ExitCode.failed;
}

function list(args: string[], io: CommandIo): number {
  const { values } = parse(args, { json: { type: 'boolean' } });
  const modelsDir = join(defaultCacheDir(), 'models');
  const cached = existsSync(modelsDir)
    ? readdirSync(modelsDir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && existsSync(join(modelsDir, e.name, 'config.json')))
        .map((e) => {
          const dir = join(modelsDir, e.name);
          const manifest = readReferenceManifest(dir);
          return {
            dir,
            kind: manifest ? `reference ${manifest.preset}, seed ${manifest.seed}` : 'model folder',
          };
        })
    : [];
  const configured = configuredModelDir() ?? null;
  const hub = pulledModels();
  if (values.json) {
    io.out(JSON.stringify({ configured, cached, ...hub }, null, 2));
    return ExitCode.ok;
  }
  const lines = [
    `configured (VLM_MODEL_DIR): ${configured ?? 'none; the tiny reference model is used'}`,
    `in the cache (${modelsDir}):`,
    ...(cached.length
      ? cached.map((m) => `  ${m.dir}  (${m.kind})`)
      : ['  none yet (vlm model generate --preset tiny)']),
    ...formatPulled(hub),
  ];
  io.out(lines.join('\n'));
  return ExitCode.ok;
}

export const modelCommand: Command = {
  name: 'model',
  summary: 'Pull a model from the Hugging Face Hub, list or remove models, validate a folder',
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'generate') return generate(rest, io);
    if (sub === 'validate') return validate(rest, io);
    if (sub === 'list') return list(rest, io);
    if (sub === 'pull') return pull(rest, io);
    if (sub === 'rm') return remove(rest, io);
    throw new UsageError(
      sub
        ? `unknown subcommand '${sub}'`
        : 'missing subcommand (generate, validate, list, pull or rm)',
    );
  },
};
