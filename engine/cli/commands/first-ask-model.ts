// The model the first `vlm ask` uses when none is installed: the default Hub model, pulled
// once (saying what and how big) unless offline; when that cannot happen the ask goes on
// with the reference model and says why.
import { pullDefaultModel } from '../../hub';
import { DEFAULT_MODEL_ID } from '../../session';
import type { CommandIo } from '../command';
import { pullReporter } from './pull-progress';

export async function firstAskModel(
  selected: string,
  offline: boolean | undefined,
  io: CommandIo,
): Promise<string> {
  if (selected !== DEFAULT_MODEL_ID) return selected;
  const reporter = pullReporter();
  const outcome = await pullDefaultModel({
    offline,
    signal: io.signal,
    log: io.err,
    onProgress: reporter.onProgress,
    onFile: reporter.onFile,
  }).finally(() => reporter.done());
  if (outcome.dir === undefined) {
    io.err(`Note: ${outcome.reason}.`);
    return selected;
  }
  return outcome.id;
}
