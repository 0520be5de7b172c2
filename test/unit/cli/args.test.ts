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

test('a file name starting with - is told apart from an option, with the -- way to pass it', () => {
  const ask = { ...options, model: { type: 'string' } } as const;
  assert.throws(
    () => parseCommandArgs(['-leading-dash.png', 'q'], ask, 'ask'),
    (error: unknown) =>
      error instanceof UsageError &&
      error.message ===
        `'-leading-dash.png' looks like an option; put -- before file names that start with '-' (vlm ask -- -leading-dash.png "q")`,
  );
  assert.throws(
    () => parseCommandArgs(['--json', '--fps', '2', '-a.mp4', 'what is shown?'], ask, 'ask'),
    (error: unknown) =>
      error instanceof UsageError &&
      error.message.endsWith(`(vlm ask --json --fps 2 -- -a.mp4 "what is shown?")`),
  );
  // After --, it is a file.
  assert.deepEqual(parseCommandArgs(['--', '-leading-dash.png', 'q'], ask).positionals, [
    '-leading-dash.png',
    'q',
  ]);
  // A mistyped option that does not look like a file keeps node's message.
  assert.throws(() => parseCommandArgs(['a.png', '--jsn'], ask, 'ask'), /Unknown option '--jsn'/);
});
