// Saved streams on a real disk: a save appears under its name only when whole; a save that
// fails (the disk full) leaves nothing behind once the stream is closed; and the debris of
// a process killed mid-save is swept when the next stream opens.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { openStream } from '../../../engine/stream';
import { sweepDebris } from '../../../engine/stream/debris';
import { syntheticModel, tempDir } from './helpers';

const root = join(__dirname, '..', '..', '..');

async function screenshot(dir: string, red = 200): Promise<string> {
  const path = join(dir, `screen-${red}.png`);
  await sharp({
    create: { width: 32, height: 24, channels: 3, background: { r: red, g: 9, b: 9 } },
  })
    .png()
    .toFile(path);
  return path;
}

/** A pid that no process has: one of a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

test('a saved stream appears under its name only when whole, and reopens', async (t) => {
  const dir = tempDir(t);
  const image = await screenshot(dir);
  const cacheDir = join(dir, 'cache');
  const first = await openStream(image, { model: syntheticModel(), cacheDir });
  await first.ready;
  await first.close();
  const names = readdirSync(join(cacheDir, 'streams'));
  assert.deepEqual(names, [first.persistDir!.split(/[\\/]/).pop()], 'no work folder is left');
  assert.ok(existsSync(join(first.persistDir!, 'manifest.json')));
  const again = await openStream(image, { model: syntheticModel(), cacheDir });
  assert.equal(again.reopened, true);
  await again.close();
});

test('a save that runs out of space leaves no folder behind after close', (t) => {
  const dir = tempDir(t);
  const cacheDir = join(dir, 'cache');
  // The child limits its own file size (RLIMIT_FSIZE) once its modules are loaded: every
  // write past 4 KiB then fails with EFBIG, as writes to a full disk fail with ENOSPC.
  const script = join(dir, 'save.js');
  writeFileSync(
    script,
    `require(${JSON.stringify(require.resolve('tsx/cjs'))});
    const { spawnSync } = require('node:child_process');
    const { openStream } = require(${JSON.stringify(join(root, 'engine', 'stream', 'index.ts'))});
    const { syntheticModel } = require(${JSON.stringify(join(__dirname, 'helpers.ts'))});
    process.on('SIGXFSZ', () => {});
    (async () => {
      const limited = spawnSync('prlimit', ['--pid', String(process.pid), '--fsize=4096:4096']);
      if (limited.status !== 0) return console.log(JSON.stringify({ skip: true }));
      const warnings = [];
      const stream = await openStream(process.argv[2], {
        model: syntheticModel(), cacheDir: process.argv[3], onWarning: (m) => warnings.push(m),
      });
      await stream.ready;
      const answer = await stream.ask('what is on screen?', { maxTokens: 2 });
      await stream.close();
      console.log(JSON.stringify({ warnings, answered: typeof answer.answer === 'string' }));
    })();`,
  );
  const image = join(dir, 'screen.png');
  spawnSync(
    process.execPath,
    [
      '-e',
      `require('sharp')({create:{width:32,height:24,channels:3,background:'red'}}).png().toFile(${JSON.stringify(image)})`,
    ],
    { cwd: root },
  );
  const r = spawnSync(process.execPath, [script, image, cacheDir], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  if (out.skip) return t.skip('prlimit cannot limit the file size here');
  assert.match(out.warnings.join('\n'), /could not save the encoded stream .*EFBIG/);
  assert.equal(out.answered, true, 'the stream stays usable after a failed save');
  assert.deepEqual(readdirSync(join(cacheDir, 'streams')), [], 'nothing is left to fill the disk');
});

test('debris of dead processes is swept when a stream opens; that of live ones is kept', async (t) => {
  const dir = tempDir(t);
  const cacheDir = join(dir, 'cache');
  const dead = deadPid();
  const streams = join(cacheDir, 'streams');
  const partial = join(streams, `abc.partial-${dead}-1a2b`);
  const saved = join(streams, 'def');
  const livePartial = join(streams, `ghi.partial-${process.pid}-3c4d`);
  const spill = join(cacheDir, 'spill', `${dead}-0a0b0c`);
  for (const folder of [partial, saved, livePartial, spill]) mkdirSync(folder, { recursive: true });
  writeFileSync(join(partial, 'block-00000001.kvb'), 'x');
  writeFileSync(join(saved, 'manifest.json'), '{}');
  writeFileSync(join(saved, `block-00000002.kvb.tmp-${dead}-zz9`), 'half');
  writeFileSync(join(saved, `block-00000003.kvb.tmp-${process.pid}-zz9`), 'writing');
  const image = await screenshot(dir);
  const stream = await openStream(image, { model: syntheticModel(), cacheDir, persist: false });
  await stream.close();
  assert.equal(existsSync(partial), false, 'a dead writer’s work folder is removed');
  assert.equal(existsSync(spill), false, 'a dead process’s spill folder is removed');
  assert.deepEqual(readdirSync(saved).sort(), [
    'block-00000003.kvb.tmp-' + process.pid + '-zz9',
    'manifest.json',
  ]);
  assert.equal(existsSync(livePartial), true, 'a live writer’s folder is kept');
  assert.equal(sweepDebris(cacheDir), 0, 'nothing is left to sweep');
});
