// `vlm analyze --session NAME` in real processes: each invocation is a new process, so the
// session is saved in the cache folder and the next one continues it. The second frame of
// a pair cut from a real recording reuses readings and prints what a run without
// --session prints; a bad name exits 2 naming it.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { loadPair, SCREEN_PAIRS } from '../../../engine/bench/support/screen-pairs';

const root = join(__dirname, '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'vlm-cli-session-'));
const cache = join(work, 'cache');
const frames: string[] = [];

function vlm(args: string[]) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'engine', 'cli', 'main.ts'), ...args],
    {
      cwd: root,
      env: { ...process.env, VLM_PROVIDER: 'cpu', VLM_CACHE_DIR: cache },
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(async () => {
  const pair = SCREEN_PAIRS.find((p) => p.id === 'powershell-typing')!;
  for (const [i, image] of (await loadPair(pair)).entries()) {
    const path = join(work, `frame-${i}.png`);
    await sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
      .png()
      .toFile(path);
    frames.push(path);
  }
});
after(() => rmSync(work, { recursive: true, force: true }));

const withoutRun = (json: string) => {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { timings, session, ...rest } = JSON.parse(json) as Record<string, unknown>;
  return rest;
};

test('the session continues across processes and its output equals a run without it', () => {
  const first = vlm(['analyze', frames[0], '--session', 'agent', '--json', '--threads', '2']);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(JSON.parse(first.stdout).session.reason, 'new session');
  assert.ok(existsSync(join(cache, 'screen-sessions', 'agent.session.json')));

  const second = vlm(['analyze', frames[1], '--session', 'agent', '--json', '--threads', '2']);
  assert.equal(second.code, 0, second.stderr);
  const report = JSON.parse(second.stdout).session;
  assert.equal(report.mode, 'incremental');
  assert.equal(report.screenshot, 2);
  assert.ok(report.reusedCrops > 0, JSON.stringify(report));

  const plain = vlm(['analyze', frames[1], '--json', '--threads', '2']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.deepEqual(withoutRun(second.stdout), withoutRun(plain.stdout));

  const text = vlm(['analyze', frames[1], '--session', 'agent', '--threads', '2']);
  assert.match(text.stdout, /^Session agent: screenshot 3, reused \d+ readings, read \d+;/m);
});

test('a bad session name exits 2 naming the name, before a model loads', () => {
  const r = vlm(['analyze', frames[0], '--session', '../up']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--session: session name "\.\.\/up": may hold only letters, digits/);
  const long = vlm(['analyze', frames[0], '--session', 'y'.repeat(70)]);
  assert.equal(long.code, 2);
  assert.match(long.stderr, /is 70 characters long; the limit is 64/);
});
