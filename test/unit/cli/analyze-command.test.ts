// `vlm analyze IMAGE QUERY` in real processes: the query may follow the image, as the
// question follows the video in `vlm ask`, and answers as --query does; a second query, or
// one given both ways, exits 2 before any model loads.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const screenshot = join(root, 'test/fixtures/screens/windows-terminal-keybinding-edit-dialog.png');

function vlm(args: string[]) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'engine', 'cli', 'main.ts'), 'analyze', ...args],
    { cwd: root, env: { ...process.env, VLM_PROVIDER: 'cpu' }, encoding: 'utf8', timeout: 120_000 },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('a query after the image finds what --query finds', () => {
  const after = vlm([screenshot, 'where is the Save button', '--json']);
  assert.equal(after.code, 0, after.stderr);
  const option = vlm([screenshot, '--query', 'where is the Save button', '--json']);
  assert.equal(option.code, 0, option.stderr);
  const matches = (out: string) => (JSON.parse(out) as { matches: unknown[] }).matches;
  assert.ok(matches(after.stdout).length > 0);
  assert.deepEqual(matches(after.stdout), matches(option.stdout));
  assert.equal(JSON.parse(after.stdout).query, 'where is the Save button');
});

test('two queries, or one given both ways, are usage errors', () => {
  const two = vlm([screenshot, 'Save', 'button']);
  assert.equal(two.code, 2);
  assert.match(two.stderr, /at most one query, got 3 arguments \(quote a query that has spaces\)/);
  const both = vlm([screenshot, 'Save', '--query', 'Save']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /after the image or with --query, not both/);
  const none = vlm(['--json']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /expected the path of a screenshot/);
});
