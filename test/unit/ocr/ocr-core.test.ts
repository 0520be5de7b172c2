// The OCR pipeline's pure parts, without ONNX sessions: CTC decoding, DB post-processing,
// layout and reading order, query parsing and fuzzy matching, the text index's search and
// JSON round trip.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ctcGreedyDecode } from '../../../engine/ocr/ctc';
import { connectedRegions, dbPostprocess, unclip } from '../../../engine/ocr/db-postprocess';
import { buildLayout } from '../../../engine/ocr/layout';
import { findMatches, parseQuery, textSimilarity } from '../../../engine/ocr/query';
import { searchScore, TextIndex } from '../../../engine/ocr/text-index';
import { cleanText } from '../../../engine/ocr/clean-text';
import { widthBatches } from '../../../engine/ocr/recognition';
import { splitAtGaps } from '../../../engine/ocr/line-split';
import type { Box, RgbImage } from '../../../engine/ocr/types';

test('CTC greedy decoding collapses repeats, drops blanks, keeps doubled letters split by a blank', () => {
  const characters = ['', 'a', 'b', 'l'];
  // steps: a a _ b l _ l  -> "abll"
  const steps = [1, 1, 0, 2, 3, 0, 3];
  const probs = new Float32Array(steps.length * 4);
  steps.forEach((k, t) => (probs[t * 4 + k] = 0.9));
  const decoded = ctcGreedyDecode(probs, 0, steps.length, 4, characters);
  assert.equal(decoded.text, 'abll');
  assert.ok(Math.abs(decoded.confidence - 0.9) < 1e-6);
});

test('DB post-processing finds each text region, scores it and grows it by the unclip distance', () => {
  const width = 40;
  const height = 20;
  const prob = new Float32Array(width * height);
  const fill = (x0: number, y0: number, w: number, h: number, v: number) => {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) prob[y * width + x] = v;
  };
  fill(2, 2, 12, 4, 0.9); // a word
  fill(20, 10, 15, 5, 0.8); // another word
  fill(5, 15, 1, 1, 0.9); // a speck: too small
  assert.equal(connectedRegions(prob, width, height, 0.3).length, 3);
  const regions = dbPostprocess(prob, width, height);
  assert.equal(regions.length, 2);
  const grown = unclip({ x: 2, y: 2, w: 12, h: 4 }, 1.6);
  const d = (12 * 4 * 1.6) / (2 * 16);
  assert.deepEqual(grown, { x: 2 - d, y: 2 - d, w: 12 + 2 * d, h: 4 + 2 * d });
  assert.deepEqual(regions[0].box, grown);
  assert.ok(Math.abs(regions[0].score - 0.9) < 1e-6);
});

const el = (text: string, x: number, y: number, w: number, h = 20) => ({
  text,
  box: { x, y, w, h },
  confidence: 1,
});

test('layout: two columns become two blocks, lines left to right, reading order block by block', () => {
  const layout = buildLayout([
    el('right one', 600, 100, 120),
    el('left two', 40, 130, 100),
    el('left', 40, 100, 50),
    el('one', 100, 100, 40),
    el('right two', 600, 130, 120),
  ]);
  assert.equal(layout.blocks.length, 2);
  assert.deepEqual(
    layout.lines.map((l) => l.text),
    ['left one', 'left two', 'right one', 'right two'],
  );
  assert.deepEqual(
    layout.elements.map((e) => e.order),
    [0, 1, 2, 3, 4],
  );
  assert.deepEqual(
    layout.elements.map((e) => e.block),
    [0, 0, 0, 1, 1],
  );
});

test('queries: filler and role words are removed; fuzzy similarity ranks the exact label first', () => {
  assert.deepEqual(parseQuery('Where is the Save button?'), { target: 'save', role: 'button' });
  assert.deepEqual(parseQuery('click the "Add new" tab'), { target: 'add new', role: 'tab' });
  assert.equal(parseQuery('File menu').role, 'menu item');
  assert.equal(textSimilarity('save', 'Save'), 1);
  assert.ok(textSimilarity('save', 'Save request') > textSimilarity('save', 'Unsaved'));
  assert.ok(textSimilarity('settings', 'Setings') > 0.8, 'one misread letter still matches');
  const layout = buildLayout([
    el('Save your work', 40, 40, 160),
    el('Save', 300, 200, 50),
    el('Cancel', 400, 200, 70),
  ]);
  assert.equal(findMatches(layout, 'Save')[0].text, 'Save');
  assert.deepEqual(findMatches(layout, 'where is the Print button'), []);
});

test('recognized text is folded to ASCII where the recognizer used full-width or CJK look-alikes', () => {
  assert.equal(cleanText('（1/1）：ok'), '(1/1):ok');
  assert.equal(cleanText('十'), '+');
  assert.equal(cleanText('中文'), '中文');
  assert.equal(cleanText('品 graceful-fs'), 'graceful-fs', 'a tree icon read as a CJK character');
  assert.equal(cleanText('Settings 丑'), 'Settings');
  assert.equal(cleanText('十 Add new'), '+ Add new');
  assert.equal(cleanText('十Addnew'), '+Addnew', 'a look-alike glued to the word after it');
  assert.equal(cleanText('个Command'), '个Command', 'only known look-alikes are mapped when glued');
  assert.equal(cleanText('品 中文'), '品 中文');
  assert.equal(
    cleanText('Fluent Ul for Flutter'),
    'Fluent UI for Flutter',
    'an acronym read with l',
  );
  assert.equal(cleanText('APl and CLl'), 'API and CLI');
  assert.equal(cleanText('Al Smith, Ultimate, Hello, XML'), 'Al Smith, Ultimate, Hello, XML');
});

test('text index: first appearance, last seen, fuzzy search and a JSON round trip', () => {
  const index = new TextIndex();
  index.addFrame({ index: 0, timeSec: 0 }, [el('Build started', 10, 10, 100)]);
  index.addFrame({ index: 4, timeSec: 2 }, [
    el('Build started', 10, 10, 100),
    el('TypeError: x is undefined', 10, 40, 200),
  ]);
  index.addFrame({ index: 6, timeSec: 3 }, [el('TypeError: x is undefined', 10, 40, 200)]);
  const [hit] = index.search('TypeError');
  assert.equal(hit.timeSec, 2);
  assert.equal(hit.lastSeenSec, 3);
  assert.equal(hit.frames, 2);
  assert.deepEqual(hit.box, { x: 10, y: 40, w: 200, h: 20 });
  assert.ok(searchScore('TypeEror', 'TypeError: x') > 0.75, 'a typo in the query still finds it');
  assert.equal(index.search('ReferenceError').length, 0);
  assert.equal(index.textAt(2.5)?.index, 4);
  const copy = TextIndex.fromJSON(JSON.parse(JSON.stringify(index)));
  assert.deepEqual(copy.search('TypeError'), index.search('TypeError'));
  assert.deepEqual(
    index
      .evidenceSource()
      .search('typeerror')
      .map((h) => h.timeSec),
    [2, 3],
  );
  assert.throws(() => TextIndex.fromJSON({ version: 2 }), /not a version 1 text index/);
  assert.throws(() => index.addFrame({ index: 1, timeSec: 1 }, []), /arrived after/);
});

test('recognizer batches hold only crops of near-equal width, at most batchSize each', () => {
  const widths = [100, 300, 104, 98, 110, 310, 301, 99];
  const batches = widthBatches(widths, 2);
  assert.deepEqual(batches.flat().sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
  for (const batch of batches) {
    assert.ok(batch.length <= 2);
    const ws = batch.map((i) => widths[i]);
    assert.ok(Math.max(...ws) - Math.min(...ws) < 16, `batch widths ${ws}`);
  }
});

/** A white image with black bars (words) at the given [x0, x1) spans, rows 8..16. */
function wordsImage(spans: [number, number][]): RgbImage {
  const width = 400;
  const height = 24;
  const rgb = Buffer.alloc(width * height * 3, 255);
  for (const [x0, x1] of spans)
    for (let y = 8; y < 16; y++) rgb.fill(0, (y * width + x0) * 3, (y * width + x1) * 3);
  return { width, height, rgb };
}

test('long lines are cut in the blank gaps between words, never through ink', () => {
  // Words 40 px wide with 2 px letter gaps inside and 8 px gaps between them.
  const spans: [number, number][] = [];
  for (let x = 10; x + 40 < 390; x += 48) spans.push([x, x + 19], [x + 21, x + 40]);
  const image = wordsImage(spans);
  const box: Box = { x: 4, y: 2, w: 392, h: 20 };
  const pieces = splitAtGaps(image, box, { maxColumns: 384, lineHeight: 48 });
  assert.ok(pieces.length >= 3, `${pieces.length} pieces`);
  assert.equal(pieces[0].x, box.x);
  assert.equal(pieces.at(-1)!.x + pieces.at(-1)!.w, box.x + box.w);
  for (let i = 1; i < pieces.length; i++) {
    const cut = pieces[i].x;
    assert.equal(cut, pieces[i - 1].x + pieces[i - 1].w, 'pieces are contiguous');
    assert.ok(!spans.some(([x0, x1]) => cut >= x0 && cut < x1), `cut at ${cut} is inside a word`);
    assert.ok(!spans.some(([, x1]) => cut === x1 + 1), `cut at ${cut} is a letter gap`);
    assert.ok(pieces[i - 1].w * (48 / box.h) <= 384, `piece ${i - 1} too wide`);
  }
  // Short enough, or no gap wide enough: read whole.
  assert.deepEqual(
    splitAtGaps(image, { x: 4, y: 2, w: 150, h: 20 }, { maxColumns: 384, lineHeight: 48 }),
    [{ x: 4, y: 2, w: 150, h: 20 }],
  );
  const solid = wordsImage([[10, 390]]);
  assert.equal(splitAtGaps(solid, box, { maxColumns: 384, lineHeight: 48 }).length, 1);
  assert.equal(splitAtGaps(image, box, { maxColumns: 0, lineHeight: 48 }).length, 1);
});

test('a line too wide to read unsqueezed is cut at its widest gaps when no gap is a clear word space', () => {
  // Words with 2 px letter gaps and 5 px word gaps, under the 0.3-of-height cut threshold
  // (6 px for a 20 px box): a tall box over a proportional font.
  const spans: [number, number][] = [];
  for (let x = 10; x + 40 < 390; x += 45) spans.push([x, x + 19], [x + 21, x + 40]);
  const image = wordsImage(spans);
  const box: Box = { x: 4, y: 2, w: 392, h: 20 };
  const options = { maxColumns: 384, lineHeight: 48 };
  // 392 px at 48/20 is 941 columns: whole without a limit, in pieces of at most 300 with one.
  assert.equal(splitAtGaps(image, box, options).length, 1);
  const pieces = splitAtGaps(image, box, { ...options, widestColumns: 300 });
  assert.ok(pieces.length >= 4, `${pieces.length} pieces`);
  assert.equal(pieces[0].x, box.x);
  assert.equal(pieces.at(-1)!.x + pieces.at(-1)!.w, box.x + box.w);
  for (let i = 1; i < pieces.length; i++) {
    const cut = pieces[i].x;
    assert.equal(cut, pieces[i - 1].x + pieces[i - 1].w, 'pieces are contiguous');
    assert.ok(!spans.some(([x0, x1]) => cut >= x0 && cut < x1), `cut at ${cut} is inside a word`);
    assert.ok(!spans.some(([, x1]) => cut === x1 + 1), `cut at ${cut} is a letter gap`);
  }
  for (const piece of pieces) assert.ok(piece.w * (48 / box.h) <= 300, 'piece too wide');
});
