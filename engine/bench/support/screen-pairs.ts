// Pairs of frames cut from real screen recordings where an agent's next screenshot differs
// a little from its last (a dialog opened, a field typed into), plus one pair where the
// whole screen changed. Frames are decoded at run time from the committed recordings
// (test/fixtures/real), so no extra images are stored. The held-out pairs were never
// looked at while tuning the session code; they only report.
import { existsSync } from 'node:fs';
import { decodeFrames } from '../../ingest';
import type { RgbImage } from '../../ocr/types';
import { TILE } from '../../screen/session/tiles';
import { fixturePath } from './fixtures';

export interface ScreenPair {
  id: string;
  file: string;
  /** Times of the two frames, seconds. */
  before: number;
  after: number;
  change: string;
  /** true: an evaluation pair, kept out of tuning. */
  heldOut?: boolean;
  /** true: the whole screen changes (the session should fall back to a full analysis). */
  large?: boolean;
}

export const SCREEN_PAIRS: ScreenPair[] = [
  {
    id: 'lazygit-menu',
    file: 'lazygit-nuke-working-tree.mp4',
    before: 2.0,
    after: 2.5,
    change: 'the discard menu opens over the panels',
  },
  {
    id: 'posting-typing',
    file: 'posting-url-variables.mp4',
    before: 3.0,
    after: 3.5,
    change: 'characters typed into the URL bar',
  },
  {
    id: 'powershell-typing',
    file: 'windows-terminal-powershell-autocomplete.gif',
    before: 1.5,
    after: 2.0,
    change: 'a command typed at the prompt',
  },
  {
    id: 'thefuck-output',
    file: 'terminal-thefuck-corrections.gif',
    before: 3.5,
    after: 4.0,
    change: 'a command and its error appear in the terminal',
  },
  {
    id: 'shira-completion',
    file: 'textual-shira-repl-autocomplete.gif',
    before: 5.0,
    after: 5.5,
    change: 'the input and its completion change',
    heldOut: true,
  },
  {
    id: 'pr-comment-widget',
    file: 'vscode-pr-suggest-change.gif',
    before: 2.0,
    after: 2.5,
    change: 'the review comment widget changes under typing',
    heldOut: true,
  },
  {
    id: 'cowsay-new-screen',
    file: 'vscode-cowsay-virtual-document.gif',
    before: 0.5,
    after: 6.5,
    change: 'the command palette gives way to a new editor tab',
    large: true,
  },
];

export function recordingPath(file: string): string {
  const path = fixturePath('real', file);
  if (!existsSync(path)) throw new Error(`${file}: recording missing from test/fixtures/real`);
  return path;
}

/** The first frame at or after `timeSec`. */
export async function frameAt(path: string, timeSec: number): Promise<RgbImage> {
  for await (const frame of decodeFrames(path, { startSec: timeSec, endSec: timeSec + 1 }))
    return { width: frame.width, height: frame.height, rgb: frame.rgb };
  throw new Error(`${path}: no frame at ${timeSec} s`);
}

export async function loadPair(pair: ScreenPair): Promise<[RgbImage, RgbImage]> {
  const path = recordingPath(pair.file);
  return [await frameAt(path, pair.before), await frameAt(path, pair.after)];
}

/**
 * A tile whose pixels differ from the first frame's by at most this much (any channel) is
 * taken to be codec noise. On these pairs the noise in unchanged text reaches 8-57 and a
 * real change (typed or new text) 179-255, both measured crop by crop.
 */
export const CODEC_NOISE = 64;

/**
 * The second frame as a lossless screenshot would give it: each 32x32 tile where it differs
 * from the first frame by more than codec noise comes from the second frame, every other
 * tile from the first, so unchanged regions are identical pixel for pixel (what an agent's
 * screenshots are). A composite made here, not a frame of the recording.
 */
export function losslessSecond(first: RgbImage, second: RgbImage, noise = CODEC_NOISE): RgbImage {
  if (first.width !== second.width || first.height !== second.height)
    throw new Error('losslessSecond: the frames differ in size');
  const { width, height } = second;
  const rgb = Buffer.from(first.rgb);
  for (let y0 = 0; y0 < height; y0 += TILE) {
    for (let x0 = 0; x0 < width; x0 += TILE) {
      const y1 = Math.min(height, y0 + TILE);
      const from = x0 * 3;
      const to = Math.min(width, x0 + TILE) * 3;
      let changed = false;
      for (let y = y0; y < y1 && !changed; y++)
        for (let i = y * width * 3 + from; i < y * width * 3 + to; i++)
          if (Math.abs(first.rgb[i] - second.rgb[i]) > noise) {
            changed = true;
            break;
          }
      if (changed)
        for (let y = y0; y < y1; y++)
          rgb.set(
            second.rgb.subarray(y * width * 3 + from, y * width * 3 + to),
            y * width * 3 + from,
          );
    }
  }
  return { width, height, rgb };
}
