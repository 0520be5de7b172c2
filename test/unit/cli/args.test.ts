// Option values that look like negative numbers reach each option's own check.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { joinNegativeValues, parseCommandArgs } from '../../../engine/cli/args';
import { UsageError } from '../../../engine/cli/command';

const options = { fps: { type: 'string' }, json: { type: 'boolean' } } as const;

test('a negative-looking value after a string option is taken as its value', () => {
  assert.deepEqual(joinNegativeValues(['a.mp4', '--fps', '-1', '--json'], options), [
    'a.mp4',
    '--fps=-1',
    '--json',
  ]);
  assert.deepEqual(joinNegativeValues(['--fps', '-.5'], options), ['--fps=-.5']);
  assert.equal(parseCommandArgs(['--fps', '-0.5'], options).values.fps, '-0.5');
});

test('other arguments are left alone: flags, words, and everything after --', () => {
  assert.deepEqual(joinNegativeValues(['--json', '-1'], options), ['--json', '-1']);
  assert.deepEqual(joinNegativeValues(['--fps', '-x'], options), ['--fps', '-x']);
  assert.deepEqual(joinNegativeValues(['--', '--fps', '-1'], options), ['--', '--fps', '-1']);
  assert.throws(() => parseCommandArgs(['--fps'], options), UsageError);
});
