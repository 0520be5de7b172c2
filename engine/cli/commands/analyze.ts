// `vlm analyze <image>`: the text on a screenshot with boxes, lines and blocks in reading
// order; with --query, the elements the query refers to ("where is the Save button").
import { OcrEngine } from '../../ocr/engine';
import { analyzeScreenshot } from '../../ocr/analyze';
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
  lines.push('', 'Text (reading order):');
  for (const block of a.blocks) {
    lines.push(`  block ${block.id} ${boxText(block.box).trim()}`);
    for (const id of block.lines) lines.push(`    ${boxText(a.lines[id].box)} ${a.lines[id].text}`);
  }
  const t = a.timings;
  lines.push(
    '',
    `Timings: decode ${ms(t.decodeMs)}, detect ${ms(t.detectMs)}, recognize ${ms(t.recognizeMs)}, layout ${ms(t.layoutMs)}, total ${ms(t.totalMs)}`,
  );
  return lines.join('\n');
}

export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'Read the text on a screenshot with boxes; --query finds an element ("the Save button")',
  usage: `Usage: vlm analyze <image> [--query "where is the Save button"] [--json] [--threads N]

Reads the text on a screenshot (PNG, JPEG, WebP, GIF, TIFF, BMP) with the PaddleOCR
models, and prints each text element with its box in image pixels, grouped into lines and
blocks in reading order. With --query, also the best-matching elements, best first, with
a guessed role (button, menu item, tab, link, text).

Options:
  --query TEXT   find the elements a question or label refers to
  --json         print one JSON object: elements[] (text, box {x,y,w,h}, confidence,
                 line, block, order), lines[], blocks[], matches[] (with --query), timings
  --threads N    CPU threads for the OCR sessions (default: all cores)
`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        query: { type: 'string' },
        json: { type: 'boolean' },
        threads: { type: 'string' },
      },
      'analyze',
    );
    if (positionals.length !== 1) throw new UsageError('expected exactly one image path');
    // Checked before the OCR models load: a FIFO would otherwise block the image decoder.
    await checkFileArgument(positionals[0]);
    const threads = values.threads === undefined ? undefined : Number(values.threads);
    if (threads !== undefined && !(Number.isInteger(threads) && threads > 0))
      throw new UsageError(`--threads must be a positive integer, got '${values.threads}'`);
    const engine = await OcrEngine.create({ threads });
    try {
      const analysis = await analyzeScreenshot(positionals[0], {
        query: values.query,
        signal: io.signal,
        engine,
      });
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
