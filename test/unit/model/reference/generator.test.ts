// The generated folder: the real SmolVLM file layout and config fields, every .onnx loads in
// onnxruntime-node with the documented names and shapes, determinism from the seed, the
// manifest, and the cache (ensureReferenceModel) under concurrent callers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  MANIFEST_FILE,
  ensureReferenceModel,
  generateReferenceModel,
  isReferenceModel,
  readReferenceManifest,
  referenceModelDir,
} from '../../../../engine/model/reference';
import { TINY, maxAbsDiff, session, tinyModel } from './helpers';

let model: Awaited<ReturnType<typeof tinyModel>>;
let scratch: string;

before(async () => {
  model = await tinyModel();
  scratch = mkdtempSync(join(tmpdir(), 'vlm-ref-gen-'));
});

after(() => {
  model?.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

const readJson = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));

test('the folder has exactly the SmolVLM layout plus the manifest', () => {
  const expected = [
    'config.json',
    'generation_config.json',
    'onnx/decoder_model_merged.onnx',
    'onnx/embed_tokens.onnx',
    'onnx/vision_encoder.onnx',
    'preprocessor_config.json',
    'processor_config.json',
    MANIFEST_FILE,
    'special_tokens_map.json',
    'tokenizer.json',
    'tokenizer_config.json',
  ];
  assert.deepEqual([...model.files].sort(), [...expected].sort());
  const onDisk = [
    ...readdirSync(model.dir),
    ...readdirSync(join(model.dir, 'onnx')).map((f) => `onnx/${f}`),
  ];
  assert.deepEqual(onDisk.filter((f) => f !== 'onnx').sort(), [...expected].sort());
  assert.ok(model.bytes > 100_000 && model.bytes < 5_000_000, `${model.bytes} bytes`);
  // Nothing left behind next to it (temporary folders are renamed or removed).
  assert.deepEqual(readdirSync(join(model.dir, '..')), ['tiny']);
});

test('config files carry the fields the loader and transformers.js read', () => {
  const config = readJson(model.dir, 'config.json');
  assert.equal(config.model_type, 'idefics3');
  assert.equal(config.scale_factor, 2);
  const text = config.text_config;
  assert.equal(text.model_type, 'llama');
  assert.equal(text.num_hidden_layers, TINY.layers);
  assert.equal(text.hidden_size, TINY.hidden);
  assert.equal(text.num_attention_heads, TINY.heads);
  assert.equal(text.num_key_value_heads, TINY.kvHeads);
  assert.equal(text.head_dim, TINY.headDim);
  assert.equal(text.rope_theta, TINY.ropeTheta);
  assert.equal(text.max_position_embeddings, 2048);
  assert.equal(text.vocab_size, TINY.vocab);
  assert.equal(config.vision_config.image_size, TINY.tile);
  assert.equal(config.vision_config.patch_size, 8);

  const tokenizer = readJson(model.dir, 'tokenizer.json');
  const added = new Map<string, number>(
    tokenizer.added_tokens.map((t: { content: string; id: number }) => [t.content, t.id]),
  );
  assert.equal(config.image_token_id, added.get('<image>'));
  for (const token of [
    '<|im_start|>',
    '<end_of_utterance>',
    '<fake_token_around_image>',
    '<global-img>',
    '<row_1_col_1>',
    '<row_6_col_6>',
    '<|im_end|>',
    '<|endoftext|>',
  ]) {
    assert.ok(added.has(token), `tokenizer lacks ${token}`);
  }
  assert.equal(tokenizer.model.type, 'BPE');
  assert.equal(tokenizer.pre_tokenizer.type, 'ByteLevel');
  const ids = [
    ...Object.values(tokenizer.model.vocab as Record<string, number>),
    ...added.values(),
  ];
  assert.equal(new Set(ids).size, TINY.vocab, 'every id below vocab_size is a token, once');
  assert.equal(Math.max(...ids), TINY.vocab - 1);

  const generation = readJson(model.dir, 'generation_config.json');
  assert.deepEqual(generation.eos_token_id, [
    added.get('<|im_end|>'),
    added.get('<end_of_utterance>'),
  ]);
  const preprocessor = readJson(model.dir, 'preprocessor_config.json');
  assert.equal(preprocessor.image_processor_type, 'Idefics3ImageProcessor');
  assert.deepEqual(preprocessor.max_image_size, { longest_edge: TINY.tile });
  assert.deepEqual(preprocessor.size, { longest_edge: 256 });
  assert.deepEqual(preprocessor.image_mean, [0.5, 0.5, 0.5]);
  assert.equal(preprocessor.rescale_factor, 1 / 255);
  assert.equal(readJson(model.dir, 'processor_config.json').image_seq_len, TINY.imageSeqLen);
  const tokenizerConfig = readJson(model.dir, 'tokenizer_config.json');
  assert.match(tokenizerConfig.chat_template, /<image>/);
  assert.equal(tokenizerConfig.eos_token, '<end_of_utterance>');
});

function tiles(count: number, fill: (i: number) => number) {
  const size = 3 * TINY.tile * TINY.tile;
  return new Float32Array(count * size).map((_, i) => fill(i));
}

test('the vision encoder maps tiles to image_seq_len features each and drops all-zero padding images', async () => {
  const vision = await session(model.dir, 'vision_encoder.onnx');
  try {
    assert.deepEqual(vision.inputNames, ['pixel_values', 'pixel_attention_mask']);
    assert.deepEqual(vision.outputNames, ['image_features']);
    const pixels = tiles(2, (i) => Math.sin(i * 0.37));
    const mask = (n: number, valid = n) =>
      new ort.Tensor(
        'bool',
        new Uint8Array(n * TINY.tile * TINY.tile).map((_, i) =>
          i < valid * TINY.tile * TINY.tile ? 1 : 0,
        ),
        [1, n, TINY.tile, TINY.tile],
      );
    const two = await vision.run({
      pixel_values: new ort.Tensor('float32', pixels, [1, 2, 3, TINY.tile, TINY.tile]),
      pixel_attention_mask: mask(2),
    });
    assert.deepEqual(two.image_features.dims, [2, TINY.imageSeqLen, TINY.hidden]);

    const padded = new Float32Array((3 * pixels.length) / 2);
    padded.set(pixels);
    const three = await vision.run({
      pixel_values: new ort.Tensor('float32', padded, [1, 3, 3, TINY.tile, TINY.tile]),
      pixel_attention_mask: mask(3, 2),
    });
    assert.deepEqual(three.image_features.dims, [2, TINY.imageSeqLen, TINY.hidden]);
    assert.ok(
      maxAbsDiff(
        two.image_features.data as Float32Array,
        three.image_features.data as Float32Array,
      ) <= 1e-5,
    );

    // Masking part of a tile changes its features (masked patches are not attended to).
    const half = new Uint8Array(2 * TINY.tile * TINY.tile)
      .fill(1)
      .fill(0, 0, (TINY.tile * TINY.tile) / 2);
    const partial = await vision.run({
      pixel_values: new ort.Tensor('float32', pixels, [1, 2, 3, TINY.tile, TINY.tile]),
      pixel_attention_mask: new ort.Tensor('bool', half, [1, 2, TINY.tile, TINY.tile]),
    });
    assert.ok(
      maxAbsDiff(
        two.image_features.data as Float32Array,
        partial.image_features.data as Float32Array,
      ) > 1e-3,
    );
    assert.ok((two.image_features.data as Float32Array).every(Number.isFinite));
  } finally {
    await vision.release();
  }
});

test('same seed gives the same bytes; another seed gives other weights and the same layout', async () => {
  const again = await generateReferenceModel({ preset: 'tiny', outDir: join(scratch, 'again') });
  for (const file of model.files) {
    assert.ok(
      readFileSync(join(model.dir, file)).equals(readFileSync(join(again.dir, file))),
      `${file} differs`,
    );
  }
  const other = await generateReferenceModel({
    preset: 'tiny',
    outDir: join(scratch, 'other'),
    seed: 99,
  });
  assert.deepEqual(other.files, model.files);
  for (const file of ['config.json', 'tokenizer.json', 'preprocessor_config.json']) {
    assert.ok(
      readFileSync(join(model.dir, file)).equals(readFileSync(join(other.dir, file))),
      `${file} should not depend on the seed`,
    );
  }
  for (const file of [
    'onnx/decoder_model_merged.onnx',
    'onnx/vision_encoder.onnx',
    'onnx/embed_tokens.onnx',
  ]) {
    assert.ok(
      !readFileSync(join(model.dir, file)).equals(readFileSync(join(other.dir, file))),
      `${file} should depend on the seed`,
    );
  }
  assert.equal(readReferenceManifest(other.dir)?.seed, 99);
});

test('generating replaces an earlier reference model but never a folder of other files', async () => {
  const dir = join(scratch, 'replace');
  await generateReferenceModel({ preset: 'tiny', outDir: dir, seed: 5 });
  writeFileSync(join(dir, 'leftover.txt'), 'from the earlier model');
  await generateReferenceModel({ preset: 'tiny', outDir: dir });
  assert.ok(!existsSync(join(dir, 'leftover.txt')));
  assert.equal(readReferenceManifest(dir)?.seed, 1234);

  const user = join(scratch, 'user-files');
  mkdirSync(user);
  writeFileSync(join(user, 'notes.txt'), 'mine');
  await assert.rejects(
    generateReferenceModel({ preset: 'tiny', outDir: user }),
    /refusing to write .*user-files.*not empty/,
  );
  assert.deepEqual(readdirSync(user), ['notes.txt']);
  await assert.rejects(
    generateReferenceModel({ preset: 'tiny', outDir: join(user, 'notes.txt') }),
    /notes\.txt: it exists and is not a folder/,
  );

  const empty = join(scratch, 'empty');
  mkdirSync(empty);
  await generateReferenceModel({ preset: 'tiny', outDir: empty });
  assert.ok(isReferenceModel(empty));
});

test('the manifest marks generated folders and nothing else', () => {
  assert.ok(isReferenceModel(model.dir));
  const manifest = readReferenceManifest(model.dir)!;
  assert.equal(manifest.preset, 'tiny');
  assert.match(manifest.note, /not meaningful/);
  assert.ok(!isReferenceModel(scratch));
  assert.ok(!isReferenceModel(join(scratch, 'nowhere')));
});

test('bad options give clear errors', async () => {
  await assert.rejects(
    generateReferenceModel({ preset: 'huge' as 'tiny', outDir: join(scratch, 'x') }),
    /unknown reference model preset "huge"/,
  );
  await assert.rejects(
    generateReferenceModel({ preset: 'tiny', outDir: join(scratch, 'y'), seed: -1 }),
    /seed must be an integer/,
  );
});

test('ensureReferenceModel generates once for concurrent callers, reuses, and regenerates on a seed change', async () => {
  const cache = join(scratch, 'cache');
  const dirs = await Promise.all([
    ensureReferenceModel('tiny', cache),
    ensureReferenceModel('tiny', cache),
    ensureReferenceModel('tiny', cache),
  ]);
  const dir = referenceModelDir('tiny', cache);
  assert.deepEqual(dirs, [dir, dir, dir]);
  assert.equal(dir, join(cache, 'models', 'reference-tiny'));
  assert.deepEqual(readdirSync(join(cache, 'models')), ['reference-tiny']);

  const stamp = join(dir, 'stamp');
  writeFileSync(stamp, 'reused');
  assert.equal(await ensureReferenceModel('tiny', cache), dir);
  assert.ok(existsSync(stamp), 'an up-to-date model is reused, not regenerated');

  await ensureReferenceModel('tiny', cache, 7);
  assert.ok(!existsSync(stamp), 'a different seed regenerates');
  assert.equal(readReferenceManifest(dir)?.seed, 7);
});

test('ensureReferenceModel takes over a lock left by a dead process', async () => {
  const cache = join(scratch, 'cache-stale');
  const lock = `${referenceModelDir('tiny', cache)}.lock`;
  mkdirSync(lock, { recursive: true });
  writeFileSync(join(lock, 'owner'), '999999999');
  const dir = await ensureReferenceModel('tiny', cache);
  assert.ok(isReferenceModel(dir));
  assert.ok(!existsSync(lock));
});

/** Runs ensureReferenceModel('tiny', cache) in a separate node process; resolves its stdout. */
function ensureInChild(cache: string): Promise<string> {
  const entry = join(__dirname, '../../../../engine/model/reference/index.ts');
  const code = `require(${JSON.stringify(entry)}).ensureReferenceModel('tiny', process.argv[1]).then((d) => console.log(d))`;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', code, cache], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('close', (status) =>
      status === 0
        ? resolvePromise(out.trim())
        : reject(new Error(`child exited ${status}: ${err}`)),
    );
  });
}

test('two processes asking at once both get a complete model and leave nothing behind', async () => {
  const cache = join(scratch, 'cache-processes');
  const [a, b] = await Promise.all([ensureInChild(cache), ensureInChild(cache)]);
  const dir = referenceModelDir('tiny', cache);
  assert.deepEqual([a, b], [dir, dir]);
  assert.ok(isReferenceModel(dir));
  assert.deepEqual(readdirSync(join(cache, 'models')), ['reference-tiny']);
});

test('ensureReferenceModel regenerates a folder with a missing file and removes abandoned temporaries', async () => {
  const cache = join(scratch, 'cache-broken');
  const dir = await ensureReferenceModel('tiny', cache);
  rmSync(join(dir, 'onnx', 'vision_encoder.onnx'));
  const abandoned = join(cache, 'models', '.reference-tiny.tmp-999999999-1');
  mkdirSync(abandoned);
  await ensureReferenceModel('tiny', cache);
  assert.ok(existsSync(join(dir, 'onnx', 'vision_encoder.onnx')));
  assert.ok(!existsSync(abandoned));
});
