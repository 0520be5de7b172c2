// `vlm model pull|rm` and the pulled models `vlm model list` shows: models from the Hugging
// Face Hub in the Hugging Face cache, shared with Python's huggingface_hub.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  DEFAULT_MODEL_REPO,
  hubCacheDir,
  listPulledModels,
  MODEL_CATALOG,
  parseModelRef,
  PULL_DTYPES,
  pullModel,
  removePulledModel,
  type PullDtype,
} from '../../hub';
import { formatBytes } from '../../util/files';
import { ExitCode, UsageError, type CommandIo } from '../command';
import { pullReporter } from './pull-progress';

export const HUB_USAGE = `  vlm model pull [ORG/NAME[@REVISION]] [--dtype ${PULL_DTYPES.join('|')}] [--offline] [--json]
  vlm model rm ORG/NAME`;

export const HUB_HELP = `pull      Downloads the files one dtype of a Hugging Face ONNX export needs into the
          Hugging Face cache (HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub),
          verified against the Hub's sha256 and resumed when interrupted. Default model:
          ${DEFAULT_MODEL_REPO}; default dtype: auto (q8 when there is one).
          Then: vlm ask FILE "question" --model ORG/NAME. Honours HF_ENDPOINT, HF_TOKEN
          and HF_HUB_OFFLINE (--offline: only check the cache).
rm        Deletes a pulled model from the Hugging Face cache.`;

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function modelRef(positionals: string[]) {
  if (positionals.length > 1) throw new UsageError('give one model name: ORG/NAME[@REVISION]');
  try {
    return parseModelRef(positionals[0] ?? DEFAULT_MODEL_REPO);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export async function pull(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parse(args, {
    dtype: { type: 'string' },
    offline: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const dtype = String(values.dtype ?? 'auto') as PullDtype;
  if (!PULL_DTYPES.includes(dtype))
    throw new UsageError(`--dtype must be one of ${PULL_DTYPES.join(', ')}, got '${dtype}'`);
  const { repo, revision } = modelRef(positionals);
  const reporter = pullReporter();
  const result = await pullModel({
    repo,
    revision,
    dtype,
    offline: values.offline ? true : undefined,
    signal: io.signal,
    onProgress: reporter.onProgress,
    onFile: reporter.onFile,
    onWait: (holder, lockFile) =>
      io.err(
        `vlm model pull: another pull of ${repo} into this cache is running (pid ${holder.pid} on ${holder.host}, since ${holder.since}); waiting for it to finish (lock ${lockFile})`,
      ),
  }).finally(() => reporter.done());
  const summary = {
    repo: result.repo,
    revision: result.revision,
    requested: revision,
    dtype: result.dtype,
    dir: result.dir,
    files: result.files,
    bytes: result.bytes,
    downloadedBytes: result.downloadedBytes,
  };
  io.out(
    values.json
      ? JSON.stringify(summary, null, 2)
      : `${repo}@${revision} (commit ${result.revision}, ${result.dtype}): ${result.files.length} files, ` +
          `${formatBytes(result.bytes)} (${formatBytes(result.downloadedBytes)} downloaded)\n${result.dir}`,
  );
  return ExitCode.ok;
}

export function remove(args: string[], io: CommandIo): number {
  const { positionals } = parse(args, {});
  if (positionals.length !== 1) throw new UsageError('give the model to remove: ORG/NAME');
  const { repo } = modelRef(positionals);
  const cacheDir = hubCacheDir();
  const freed = removePulledModel(cacheDir, repo);
  if (freed === undefined) {
    io.err(`vlm model rm: ${repo} is not in the Hugging Face cache (${cacheDir})`);
    return ExitCode.failed;
  }
  io.out(`removed ${repo} from ${cacheDir} (${formatBytes(freed)} freed)`);
  return ExitCode.ok;
}

/** The pulled models for `vlm model list`, and the catalog ones not pulled yet. */
export function pulledModels() {
  const cacheDir = hubCacheDir();
  const pulled = listPulledModels(cacheDir);
  const available = MODEL_CATALOG.filter((e) => !pulled.some((p) => p.repo === e.repo));
  return { hubCacheDir: cacheDir, pulled, available };
}

export function formatPulled(p: ReturnType<typeof pulledModels>): string[] {
  const lines = [`pulled from the Hugging Face Hub (${p.hubCacheDir}):`];
  if (!p.pulled.length) lines.push(`  none yet (vlm model pull ${DEFAULT_MODEL_REPO})`);
  for (const m of p.pulled)
    for (const s of m.snapshots)
      lines.push(
        `  ${m.repo}  ${s.refs.length ? `${s.refs.join(', ')} -> ` : ''}${s.revision.slice(0, 12)}  ${formatBytes(s.bytes)}  ${s.dir}`,
      );
  if (p.available.length) lines.push('available to pull:');
  for (const e of p.available) {
    const sizes = Object.entries(e.sizes).map(([d, b]) => `${d} ${formatBytes(b)}`);
    lines.push(`  ${e.repo}  ${e.title}${sizes.length ? `  (${sizes.join(', ')})` : ''}`);
  }
  return lines;
}
