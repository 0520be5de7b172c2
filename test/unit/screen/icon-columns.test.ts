// A column or row of marks of different sizes is a menu's icons (engine/screen/controls/icon-columns.ts).
// Sizes are the mark boxes found on real screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iconColumns } from '../../../engine/screen/controls/icon-columns';
import type { Box } from '../../../engine/ocr/types';

const column = (x: number, sizes: [number, number][]): Box[] =>
  sizes.map(([w, h], k) => ({ x: x - Math.round(w / 2), y: 150 + 50 * k, w, h }));

test("a navigation list's icons, each its own size, are not marks", () => {
  // WPF UI's navigation view: Dashboard, Forms, Icons.
  const marks = column(62, [
    [23, 18],
    [21, 23],
    [20, 16],
  ]);
  assert.deepEqual([...iconColumns(marks)].sort(), [0, 1, 2]);
});

test('checkboxes and radios drawn from one template stay marks, a narrower one included', () => {
  // Fyne's demo: checkboxes 30x30 (the disabled one 26x30) and radios 32x32.
  const fyne = column(498, [
    [30, 30],
    [26, 30],
    [30, 30],
    [32, 32],
    [32, 32],
  ]);
  assert.equal(iconColumns(fyne).size, 0);
  // MonitorControl's macOS checkboxes, one read a pixel short and one narrower.
  const macos = column(296, [
    [15, 15],
    [12, 15],
    [15, 15],
    [15, 14],
    [15, 15],
  ]);
  assert.equal(iconColumns(macos).size, 0);
});

test('a mark alone, or in another column, is judged apart', () => {
  const apart = [
    { x: 54, y: 600, w: 16, h: 16 },
    ...column(400, [
      [23, 18],
      [16, 16],
    ]),
  ];
  assert.deepEqual([...iconColumns(apart)].sort(), [1, 2]);
  assert.equal(iconColumns(column(62, [[16, 16]])).size, 0);
});

test('a row of marks is judged like a column', () => {
  // KeePassXC's browser row: three checkboxes side by side, one template.
  const row = (sizes: [number, number][]) =>
    sizes.map(([w, h], k) => ({ x: 266 + 360 * k, y: 519, w, h }));
  assert.equal(
    iconColumns(
      row([
        [28, 28],
        [28, 28],
        [28, 28],
      ]),
    ).size,
    0,
  );
  // A header's navigation, an icon of its own shape before each label.
  assert.equal(
    iconColumns(
      row([
        [18, 14],
        [14, 18],
        [20, 20],
      ]),
    ).size,
    3,
  );
});

test('one mark found twice, for two words of its label, counts once', () => {
  // Counted twice, the 28x28 mark would be the size most marks share.
  const [mark, other] = column(62, [
    [28, 28],
    [20, 16],
  ]);
  assert.deepEqual([...iconColumns([mark, { ...mark }, other])].sort(), [0, 1, 2]);
});
