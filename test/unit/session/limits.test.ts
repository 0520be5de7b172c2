// docs/limits.md lists every SESSION_LIMITS entry with its value: the one table stays true.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SESSION_LIMITS } from '../../../engine/session';

const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'limits.md'), 'utf8');

test('docs/limits.md states every SESSION_LIMITS value, and no other', () => {
  const stated = new Map(
    [...doc.matchAll(/`(\w+)` = (\d+)/g)].map((m) => [m[1], Number(m[2])] as const),
  );
  assert.deepEqual(Object.fromEntries(stated), { ...SESSION_LIMITS });
});
