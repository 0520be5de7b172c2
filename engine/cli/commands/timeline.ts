// `vlm timeline <video>`: what happens when in a recording — text tracks with their first
// and last appearance, typing, UI events (toasts, dialogs, menus, page changes) and cuts —
// from the engine session's encoding of the file (the same one `vlm ask` reuses).
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EngineSession } from '../../session';
import { formatTimeline, type Timeline } from '../../timeline';
import { ExitCode, UsageError, type Command } from '../command';
import { printable } from '../printable';

export const timelineCommand: Command = {
  name: 'timeline',
  summary: 'List what happens when in a recording: text tracks, typing, UI events, cuts',
  usage: `Usage: vlm timeline <video> [--json] [--fps N] [--model NAME] [--tracks N] [--no-cache]

Encodes the video as \`vlm ask\` does (reusing a saved stream), reading each encoded
frame's on-screen text, and prints its timeline: UI events (a notification, dialog, menu,
pop-up or page that appeared or disappeared, with a confidence and the text in it), typed
text (a line that grew character by character), cuts (shot boundaries) and every text
track (a distinct line with its box, first appearance and when it was gone).

Options:
  --json         print one JSON object: durationSec, frames, events[], typed[], cuts[],
                 tracks[] (times in seconds, boxes {x,y,w,h} in frame pixels)
  --fps N        frames per second sampled from the video (default 1, as vlm ask)
  --model NAME   a model folder, or reference:tiny (default as vlm ask)
  --tracks N     text tracks listed in the text output (default 40; --json lists all)
  --no-cache     do not save or reuse the encoded stream
`,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        strict: true,
        options: {
          json: { type: 'boolean' },
          fps: { type: 'string' },
          model: { type: 'string' },
          tracks: { type: 'string' },
          'no-cache': { type: 'boolean' },
        },
      });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError('expected one video: vlm timeline <video>');
    const [file] = positionals as [string];
    if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
    const fps = positiveNumber('fps', values.fps);
    const maxTracks = positiveNumber('tracks', values.tracks) ?? 40;
    const timeline = await timelineOf(file, {
      fps,
      model: values.model,
      cache: !values['no-cache'],
      signal: io.signal,
    });
    io.out(
      values.json
        ? JSON.stringify(timeline, null, 2)
        : printable(formatTimeline(timeline, { maxTracks })),
    );
    return ExitCode.ok;
  },
};

async function timelineOf(
  file: string,
  options: { fps?: number; model?: string; cache: boolean; signal: AbortSignal },
): Promise<Timeline> {
  const session = new EngineSession({ cacheDir: options.cache ? undefined : null });
  try {
    const stream = await session.open(
      { kind: 'file', path: file },
      { model: options.model, fps: options.fps, screenText: true, signal: options.signal },
    );
    try {
      await stream.ready;
      return stream.timeline();
    } finally {
      await stream.close();
    }
  } finally {
    await session.dispose();
  }
}

function positiveNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0)) throw new UsageError(`--${name} must be a positive number, got '${value}'`);
  return n;
}
