// Hostile command lines against `vlm ask` and `vlm analyze`, in real processes: each ends
// with an exit code and a message that names the input and the problem, without loading
// a model, hanging, or crashing.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { pngHeader } from '../ingest/png-header';
import { tempDir } from '../stream/helpers';

const root = join(__dirname, '..', '..', '..');

function vlm(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'engine', 'cli', 'main.ts'), ...args],
    {
      cwd: root,
      env: { ...process.env, VLM_MODEL_DIR: '', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

test('a 30,000-character question is refused before any model work, not a crash', (t) => {
  const dir = tempDir(t);
  const image = join(dir, 'a.png');
  writeFileSync(image, pngHeader(64, 48));
  const r = vlm(['ask', image, 'a'.repeat(30_000)], { VLM_CACHE_DIR: join(dir, 'cache') });
  assert.equal(r.signal, null, `died of ${r.signal}`);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /the question is 30000 characters long; the limit is 8000/);
  assert.doesNotMatch(r.stderr, /^Note: no model is configured/m, 'no model was loaded');
});

test('a FIFO is refused at once by ask and by analyze', (t) => {
  const dir = tempDir(t);
  const fifo = join(dir, 'x.mp4');
  const made = spawnSync('mkfifo', [fifo]);
  if (made.error || made.status !== 0) return t.skip('mkfifo is not available here');
  for (const args of [
    ['ask', fifo, '?'],
    ['analyze', fifo],
  ]) {
    const r = vlm(args);
    assert.equal(r.signal, null, `${args[0]} hung or died (${r.signal})`);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /x\.mp4: is a named pipe \(FIFO\), not a regular file/, args[0]);
  }
});

test('a directory, a symbolic link loop and an empty file are named as such by both commands', (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'x.mp4'));
  symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
  symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
  writeFileSync(join(dir, 'empty.png'), '');
  const cases: Array<[string, RegExp]> = [
    ['x.mp4', /x\.mp4: is a directory, not a file/],
    ['loop-a', /loop-a: cannot be opened: symbolic link loop/],
    ['empty.png', /empty\.png: file is empty \(0 bytes\)/],
  ];
  for (const [name, message] of cases)
    for (const args of [
      ['ask', join(dir, name), '?'],
      ['analyze', join(dir, name)],
    ]) {
      const r = vlm(args);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
    }
});

test('a negative option value reaches the option check instead of "ambiguous"', () => {
  const r = vlm(['ask', __filename, 'what?', '--fps', '-1']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--fps must be a positive number, got '-1'/);
  const analyze = vlm(['analyze', __filename, '--threads', '-2']);
  assert.equal(analyze.code, 2);
  assert.match(analyze.stderr, /--threads must be a positive integer, got '-2'/);
});

test('control characters in a file name are shown escaped, never sent to the terminal', () => {
  const name = '/nonexistent/\u001b[2J\u001b]0;owned\u0007clip.mp4';
  for (const args of [
    ['ask', name, '?'],
    ['analyze', name],
  ]) {
    const r = vlm(args);
    assert.ok(r.code === 1 || r.code === 2, r.stderr);
    assert.ok(
      !r.stderr.includes('\u001b') && !r.stderr.includes('\u0007'),
      `${args[0]} printed a raw escape`,
    );
    // Quoted with its control characters escaped, as JSON writes them.
    assert.ok(r.stderr.includes(JSON.stringify(name)), r.stderr);
  }
});

test('an image over the pixel limit is refused from its header, before the model loads', (t) => {
  const dir = tempDir(t);
  const bomb = join(dir, 'bomb.png');
  // A header that declares 16000x16000 and no pixel data: only a header check can answer.
  writeFileSync(bomb, pngHeader(16_000, 16_000));
  const r = vlm(['ask', bomb, 'what?'], { VLM_CACHE_DIR: join(dir, 'cache') });
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /bomb\.png: image is 16000x16000 = 256000000 pixels, over the limit of 40000000/,
  );
  assert.doesNotMatch(r.stderr, /^Note: no model is configured/m, 'no model was loaded');
});

/** A PNG cut in the middle of its pixel data: the header reads, the pixels do not. */
async function cutPng(path: string): Promise<void> {
  const { default: sharp } = await import('sharp');
  const png = await sharp({
    create: { width: 64, height: 48, channels: 3, background: '#336699' },
  })
    .png()
    .toBuffer();
  writeFileSync(path, png.subarray(0, Math.floor(png.length * 0.6)));
}

test('a damaged file is reported before any model is chosen or pulled (issue 19)', async (t) => {
  const dir = tempDir(t);
  const image = join(dir, 'cut.png');
  await cutPng(image);
  // No model installed and a Hub that cannot be reached: nothing about either is said.
  const r = vlm(['ask', image, 'q'], {
    VLM_CACHE_DIR: join(dir, 'cache'),
    HF_HUB_CACHE: join(dir, 'hf'),
    HF_ENDPOINT: 'http://127.0.0.1:1',
    HF_HUB_OFFLINE: '',
  });
  assert.equal(r.code, 1, r.stderr);
  assert.equal(
    r.stderr.trim(),
    `vlm ask: ${image}: the image is damaged or cut short (libpng read error)`,
  );
  assert.equal(r.stdout, '');
});

test('a file name with a newline is printed escaped, on one line (issue 19)', async (t) => {
  const dir = tempDir(t);
  const image = join(dir, 'line\nbreak.png');
  await cutPng(image);
  const r = vlm(['ask', image, 'q'], { VLM_CACHE_DIR: join(dir, 'cache'), HF_HUB_OFFLINE: '1' });
  assert.equal(r.code, 1, r.stderr);
  assert.equal(
    r.stderr.trim(),
    `vlm ask: ${JSON.stringify(image)}: the image is damaged or cut short (libpng read error)`,
  );
});

test('a file name starting with - gets the -- way to pass it (issue 19)', async (t) => {
  const dir = tempDir(t);
  await cutPng(join(dir, '-leading-dash.png'));
  const spawnIn = (args: string[]) =>
    spawnSync(
      process.execPath,
      // tsx by its full path: the file name is given relative to `dir`, which is the cwd.
      [
        '--import',
        pathToFileURL(require.resolve('tsx')).href,
        join(root, 'engine', 'cli', 'main.ts'),
        ...args,
      ],
      {
        cwd: dir,
        env: { ...process.env, VLM_MODEL_DIR: '', VLM_CACHE_DIR: join(dir, 'cache') },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
  const r = spawnIn(['ask', '-leading-dash.png', 'q']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(
    r.stderr,
    /^vlm ask: '-leading-dash\.png' looks like an option; put -- before file names that start with '-' \(vlm ask -- -leading-dash\.png "q"\)/,
  );
  const fixed = spawnIn(['ask', '--', '-leading-dash.png', 'q']);
  assert.equal(fixed.status, 1, fixed.stderr);
  assert.match(fixed.stderr, /-leading-dash\.png: the image is damaged or cut short/);
});
