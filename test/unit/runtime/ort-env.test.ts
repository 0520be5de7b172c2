// onnxruntime's process environment, created by our session factory in a real process:
// its telemetry client stays off, so nothing is left in $TMPDIR and a long command line
// cannot overflow the stack inside onnxruntime.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultOcrModelPaths } from '../../../engine/ocr/models';
import { tempDir } from '../stream/helpers';

const root = join(__dirname, '..', '..', '..');

/** Creates one session through SessionFactory in a fresh node, with `extraArg` on its command line. */
function createSessionInChild(tmp: string, extraArg: string) {
  const script = `
    require(${JSON.stringify(require.resolve('tsx/cjs'))});
    const { SessionFactory } = require(${JSON.stringify(join(root, 'engine', 'runtime', 'sessions.ts'))});
    new SessionFactory({ provider: 'cpu' })
      .create(process.argv[2], 'detection model')
      .then((s) => s.release())
      .then(() => console.log('created'));`;
  // A script file, not -e: onnxruntime's telemetry reads the command line, and the
  // newlines of an -e script stop its pattern early, hiding the crash.
  const file = join(tmp, 'create-session.js');
  writeFileSync(file, script);
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp };
  delete env.ORT_DISABLE_TELEMETRY;
  return spawnSync(process.execPath, [file, defaultOcrModelPaths().detection, extraArg], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

test('creating a session leaves no telemetry files (mat-debug-<pid>.log, .ses) in TMPDIR', (t) => {
  const tmp = tempDir(t);
  const r = createSessionInChild(tmp, 'short');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /created/);
  const left = readdirSync(tmp).filter((name) => /^mat-debug-|\.ses$/.test(name));
  assert.deepEqual(left, []);
});

test('a 30,000-character argument on the command line does not crash session creation', (t) => {
  const tmp = tempDir(t);
  const r = createSessionInChild(tmp, 'q'.repeat(30_000));
  assert.equal(r.signal, null, `the process died of ${r.signal}`);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /created/);
});
