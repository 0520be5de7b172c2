// Ingest throughput: decode, and decode + frame gate, in frames/s on a 1080p screen
// recording (generated with known text changes, and a real recording scaled to 1080p)
// and on camera videos (the real dog and silent-film fixtures).
//
//   node --import tsx engine/bench/ingest-speed.ts [--out file.json] [--seconds N] [--runs N]
//
// The machines are shared, so each figure is the best of --runs runs (default 2) and the
// load average is recorded next to it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { decodeFrames } from '../ingest/decoder';
import { resolveFfmpeg, ffmpegVersion } from '../ingest/ffmpeg-path';
import { FrameGate } from '../ingest/frame-gate';

const FIXTURES = resolve(__dirname, '../../test/fixtures/real');

interface VideoResult {
  video: string;
  kind: 'screen-recording' | 'camera-video';
  width: number;
  height: number;
  frames: number;
  decodeFps: number;
  decodeGateFps: number;
  gateMsPerFrame: number;
  kept: number;
  skippedPercent: number;
  sceneChanges: number;
}

/** Output options shared by the benchmark's generated recordings: H.264 as screen recorders write it. */
const H264_OUTPUT = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p'];

function ffmpeg(path: string, args: string[]): void {
  const result = spawnSync(path, ['-hide_banner', '-nostdin', '-y', ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ffmpeg failed: ${result.stderr.slice(-1500)}`);
}

/** An editor-like 1080p screen whose text changes in a few characters every 2 seconds. */
async function screenState(step: number): Promise<Buffer> {
  const lines = Array.from({ length: 44 }, (_, i) =>
    i === 20
      ? `  const total = items.length; // ${step} items checked`
      : `  line ${i}: const value${i} = compute(${i}, options.${i % 3 ? 'fast' : 'safe'});`,
  );
  const text = lines
    .map(
      (line, i) =>
        `<text x="24" y="${40 + i * 23}" font-family="DejaVu Sans Mono" font-size="17" fill="#d4d4d4">${line}</text>`,
    )
    .join('');
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="1920" height="1080"><rect width="100%" height="100%" fill="#1e1e1e"/>' +
    `<rect y="1056" width="100%" height="24" fill="#007acc"/>${text}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

async function generateScreenRecording(
  dir: string,
  ffmpegPath: string,
  seconds: number,
): Promise<string> {
  const states = Math.ceil(seconds / 2);
  const list: string[] = [];
  for (let s = 0; s < states; s++) {
    const png = join(dir, `state${s}.png`);
    writeFileSync(png, await screenState(s));
    list.push(`file '${png}'`, 'duration 2');
  }
  list.push(list.at(-2)!); // the concat demuxer needs the last file repeated to honour its duration
  const listFile = join(dir, 'states.txt');
  writeFileSync(listFile, list.join('\n') + '\n');
  const out = join(dir, 'screen-1080p.mp4');
  ffmpeg(ffmpegPath, [
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    listFile,
    '-t',
    String(seconds),
    '-r',
    '30',
    ...H264_OUTPUT,
    out,
  ]);
  return out;
}

function scaleTo1080p(dir: string, ffmpegPath: string, input: string): string {
  const out = join(dir, 'lazygit-1080p.mp4');
  ffmpeg(ffmpegPath, ['-i', input, '-vf', 'scale=1920:1080,fps=30', ...H264_OUTPUT, out]);
  return out;
}

async function timeDecode(
  path: string,
  gate?: FrameGate,
): Promise<{ seconds: number; frames: number; width: number; height: number }> {
  const started = performance.now();
  let frames = 0;
  let width = 0;
  let height = 0;
  for await (const frame of decodeFrames(path, { ffmpegPath: resolveFfmpeg().path })) {
    frames++;
    width = frame.width;
    height = frame.height;
    gate?.push(frame);
  }
  return { seconds: (performance.now() - started) / 1000, frames, width, height };
}

async function measure(
  path: string,
  label: string,
  kind: VideoResult['kind'],
  runs: number,
): Promise<VideoResult> {
  let bestDecode = Infinity;
  let bestGate = Infinity;
  let gateStats = new FrameGate().stats;
  let info = { frames: 0, width: 0, height: 0 };
  for (let run = 0; run < runs; run++) {
    const plain = await timeDecode(path);
    bestDecode = Math.min(bestDecode, plain.seconds);
    info = plain;
    const gate = new FrameGate();
    const gated = await timeDecode(path, gate);
    bestGate = Math.min(bestGate, gated.seconds);
    gateStats = gate.stats;
  }
  return {
    video: label,
    kind,
    width: info.width,
    height: info.height,
    frames: info.frames,
    decodeFps: round(info.frames / bestDecode),
    decodeGateFps: round(info.frames / bestGate),
    gateMsPerFrame: round((Math.max(0, bestGate - bestDecode) * 1000) / info.frames),
    kept: gateStats.kept,
    skippedPercent: round((100 * gateStats.skipped) / gateStats.seen),
    sceneChanges: gateStats.sceneChanges,
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      seconds: { type: 'string', default: '20' },
      runs: { type: 'string', default: '2' },
    },
  });
  const seconds = Number(values.seconds);
  const runs = Number(values.runs);
  const ffmpegPath = resolveFfmpeg().path;
  const work = mkdtempSync(join(tmpdir(), 'vlm-ingest-bench-'));
  try {
    console.log(`generating a ${seconds} s 1080p screen recording and scaling lazygit to 1080p...`);
    const generated = await generateScreenRecording(work, ffmpegPath, seconds);
    const lazygit = scaleTo1080p(work, ffmpegPath, join(FIXTURES, 'lazygit-nuke-working-tree.mp4'));
    const results = [
      await measure(
        generated,
        `generated editor screen 1080p30, ${seconds} s, text changes every 2 s`,
        'screen-recording',
        runs,
      ),
      await measure(lazygit, 'lazygit demo scaled to 1080p30 (real)', 'screen-recording', runs),
      await measure(
        join(FIXTURES, 'dog-in-basket-fireplace.mp4'),
        'dog-in-basket-fireplace.mp4 (real camera)',
        'camera-video',
        runs,
      ),
      await measure(
        join(FIXTURES, 'silent-film-street-scene.mp4'),
        'silent-film-street-scene.mp4 (real camera)',
        'camera-video',
        runs,
      ),
    ];
    const report = {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        loadavg: loadavg().map(round),
      },
      ffmpeg: ffmpegVersion(ffmpegPath),
      node: process.version,
      runs,
      note: 'decode = ffmpeg decode + rgb24 pipe + frame assembly at native rate, full size; best of runs',
      results,
    };
    console.table(
      results.map((r) => ({
        video: r.video.slice(0, 48),
        size: `${r.width}x${r.height}`,
        frames: r.frames,
        'decode fps': r.decodeFps,
        'decode+gate fps': r.decodeGateFps,
        'gate ms/frame': r.gateMsPerFrame,
        kept: r.kept,
        'skipped %': r.skippedPercent,
      })),
    );
    console.log(`load average ${report.machine.loadavg.join(' ')} on ${report.machine.cpus} cpus`);
    if (values.out) {
      mkdirSync(dirname(resolve(values.out)), { recursive: true });
      const temp = `${values.out}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(report, null, 2) + '\n');
      renameSync(temp, values.out);
      console.log(`wrote ${values.out}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
