// `vlm analyze <image>`: the text on a screenshot with boxes, lines and blocks in reading
// order; with --query, the elements the query refers to ("where is the Save button").
import { defaultCacheDir } from '../../config';
import { OcrEngine } from '../../ocr/engine';
import { writeFile, rename } from 'node:fs/promises';
import { drawSetOfMarks } from '../../screen/set-of-marks';
import { analyzeScreenshot, type AnalyzeOptions } from '../../ocr/analyze';
import {
  analyzeInSession,
  checkSessionName,
  loadSession,
  saveSession,
  ScreenSessions,
  SessionNameError,
  sessionsDir,
  type SessionAnalysis,
  type SessionReport,
} from '../../screen/session';
import type { ScreenAnalysis } from '../../ocr/types';
import { checkFileArgument, parseCommandArgs } from '../args';
import { ExitCode, UsageError, type Command } from '../command';
import { printable } from '../printable';

const ms = (value: number) => `${Math.round(value)} ms`;
const boxText = (b: { x: number; y: number; w: number; h: number }) =>
  `(${b.x},${b.y} ${b.w}x${b.h})`.padEnd(22);

export function formatAnalysis(a: ScreenAnalysis, path: string): string {
  const lines = [
    `${path}: ${a.width}x${a.height}, ${a.elements.length} text elements in ${a.lines.length} lines, ${a.blocks.length} blocks`,
  ];
  if (a.query !== undefined) {
    lines.push('', `Matches for "${a.query}":`);
    if (!a.matches?.length) lines.push('  none');
    for (const m of a.matches ?? [])
      lines.push(`  ${m.score.toFixed(2)}  ${boxText(m.box)} ${m.role.padEnd(9)} ${m.text}`);
  }
  const controls = a.ui.filter((e) => e.interactable);
  lines.push(
    '',
    `Controls (${controls.length}; id, box, role, text; the box's centre is the point to click):`,
  );
  for (const e of controls)
    lines.push(`  ${String(e.id).padStart(3)} ${boxText(e.box)} ${e.role.padEnd(9)} ${e.text}`);
  lines.push('', 'Text (reading order):');
  for (const block of a.blocks) {
    lines.push(`  block ${block.id} ${boxText(block.box).trim()}`);
    for (const id of block.lines) lines.push(`    ${boxText(a.lines[id].box)} ${a.lines[id].text}`);
  }
  const session = (a as Partial<SessionAnalysis>).session;
  if (session) lines.push('', sessionLine(session));
  const t = a.timings;
  lines.push(
    '',
    `Timings: decode ${ms(t.decodeMs)}, detect ${ms(t.detectMs)}, recognize ${ms(t.recognizeMs)}, layout ${ms(t.layoutMs)}, controls ${ms(t.controlsMs)}, total ${ms(t.totalMs)}`,
  );
  return lines.join('\n');
}

function sessionLine(s: SessionReport): string {
  const how =
    s.mode === 'incremental'
      ? `reused ${s.reusedCrops} readings, read ${s.readCrops}`
      : s.mode === 'unchanged'
        ? 'unchanged since the previous screenshot'
        : `read in full (${s.reason}), ${s.readCrops} readings`;
  const changed = `${Math.round(s.changedShare * 100)}% of tiles changed`;
  return `Session ${s.name}: screenshot ${s.screenshot}, ${how}; ${changed}`;
}

/** Analyses in a named session saved in the cache folder, so the next process continues it. */
async function analyzeSaved(name: string, image: string, options: AnalyzeOptions) {
  const dir = sessionsDir(defaultCacheDir());
  const sessions = new ScreenSessions();
  const saved = loadSession(dir, name);
  if (saved) sessions.restore(name, saved);
  const analysis = await analyzeInSession(sessions, name, image, options);
  saveSession(dir, name, sessions.peek(name)!, sessions.limits);
  return analysis;
}

export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'Read the text on a screenshot with boxes; --query finds an element ("the Save button")',
  usage: `Usage: vlm analyze <image> ["where is the Save button"] [--session NAME] [--json]
                    [--marks out.png] [--threads N]

Reads the text on a screenshot (PNG, JPEG, WebP, GIF, TIFF, BMP) with the PaddleOCR
models and finds its controls in the pixels (buttons, fields, dropdowns, checkboxes,
radio buttons, toggles, tabs, menu rows, icon buttons). Prints each control with its box
in image pixels and each text element grouped into lines and blocks in reading order.
With --query, also the best-matching elements, best first, with the control's box and
role (button, field, dropdown, checkbox, radio, toggle, tab, menu item, link, icon, text).

The query may follow the image, as a question follows the video in \`vlm ask\`, or be
given with --query.

Options:
  --query TEXT   find the elements a question or label refers to
  --json         print one JSON object: ui[] (id, role, interactable, box {x,y,w,h},
                 text, confidence, parent: the id of the panel it sits in or null; reading
                 order), elements[] (text, box, confidence, line, block, order), lines[],
                 blocks[], matches[] (with --query), session (with --session), timings
  --marks FILE   also write FILE, a PNG of the screenshot with each interactable element
                 boxed and numbered by its ui id (set-of-marks, for a vision model)
  --session NAME continue the screenshot session NAME (letters, digits, . _ -; at most
                 64): text unchanged since its last screenshots is not read again, and
                 the output equals a run without --session. Saved in the cache folder
                 (VLM_CACHE_DIR/screen-sessions); forgotten after 10 minutes idle
  --threads N    CPU threads for the OCR sessions (default: all cores)
`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        query: { type: 'string' },
        json: { type: 'boolean' },
        marks: { type: 'string' },
        threads: { type: 'string' },
        session: { type: 'string' },
      },
      'analyze',
    );
    const query = queryOf(positionals, values.query);
    // Checked before the OCR models load: a FIFO would otherwise block the image decoder.
    await checkFileArgument(positionals[0]);
    if (values.marks !== undefined && values.marks.trim() === '')
      throw new UsageError('--marks needs the path of the PNG to write');
    const threads = values.threads === undefined ? undefined : Number(values.threads);
    if (threads !== undefined && !(Number.isInteger(threads) && threads > 0))
      throw new UsageError(`--threads must be a positive integer, got '${values.threads}'`);
    const name = values.session;
    try {
      if (name !== undefined) checkSessionName(name);
    } catch (error) {
      if (error instanceof SessionNameError) throw new UsageError(`--session: ${error.message}`);
      throw error;
    }
    const engine = await OcrEngine.create({ threads });
    try {
      const options = { query, signal: io.signal, engine };
      const analysis =
        name === undefined
          ? await analyzeScreenshot(positionals[0], options)
          : await analyzeSaved(name, positionals[0], options);
      if (values.marks !== undefined) {
        const png = await drawSetOfMarks(positionals[0], analysis.ui);
        // Written under a temporary name and renamed: no half-written picture is left behind.
        const partial = `${values.marks}.partial`;
        await writeFile(partial, png);
        await rename(partial, values.marks);
      }
      io.out(
        values.json
          ? JSON.stringify(analysis, null, 2)
          : printable(formatAnalysis(analysis, positionals[0])),
      );
      return ExitCode.ok;
    } finally {
      await engine.release();
    }
  },
};

/** The query: the argument after the image, or --query; never both. */
function queryOf(positionals: string[], option: string | undefined): string | undefined {
  if (positionals.length === 0) throw new UsageError('expected the path of a screenshot');
  if (positionals.length > 2)
    throw new UsageError(
      `expected a screenshot and at most one query, got ${positionals.length} arguments (quote a query that has spaces)`,
    );
  if (positionals.length === 2 && option !== undefined)
    throw new UsageError('give the query after the image or with --query, not both');
  return positionals[1] ?? option;
}
