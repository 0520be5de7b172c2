// The labels file's reader (engine/bench/control-boxes.ts): splits are tune, held-out, and one
// fresh group per round (fresh, fresh6, fresh7, ...); anything else is refused, naming the row.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freshSplits, readLabelledControls } from '../../../engine/bench/control-boxes';

function labels(rows: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'labels-'));
  const path = join(dir, 'controls.tsv');
  writeFileSync(path, ['# comment', 'file\tsplit\trole\tx\ty\tw\th\tlabel', ...rows].join('\n'));
  return path;
}

test('fresh groups of any round are read, in the order they first appear', () => {
  const path = labels([
    'a.png\ttune\tbutton\t1\t2\t3\t4\tOK',
    'b.png\tfresh7\tfield\t1\t2\t3\t4\tName',
    'c.png\tfresh\ttab\t1\t2\t3\t4\tTab 1',
    'd.png\tfresh7\ticon\t1\t2\t3\t4\t',
  ]);
  try {
    const controls = readLabelledControls(path);
    assert.deepEqual(
      controls.map((c) => c.split),
      ['tune', 'fresh7', 'fresh', 'fresh7'],
    );
    assert.deepEqual(freshSplits(controls), ['fresh7', 'fresh']);
  } finally {
    rmSync(join(path, '..'), { recursive: true });
  }
});

test('an unknown split is refused, naming the row', () => {
  const path = labels([
    'a.png\ttune\tbutton\t1\t2\t3\t4\tOK',
    'b.png\tfreshest\tfield\t1\t2\t3\t4\tX',
  ]);
  try {
    assert.throws(() => readLabelledControls(path), /row 3: split must be .* got 'freshest'/);
  } finally {
    rmSync(join(path, '..'), { recursive: true });
  }
});
