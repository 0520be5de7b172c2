// `vlm model validate|generate|list` through the command object (the bundled bin may be stale).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelCommand } from '../../../engine/cli/commands/model';
import { UsageError } from '../../../engine/cli/command';
import { liveSessionCount } from '../../../engine/runtime/sessions';
import { tinyModelDir } from '../model/tiny-model';

async function run(...args: string[]) {
  let out = '';
  const io = {
    out: (t: string) => (out += `${t}\n`),
    err: (t: string) => (out += t),
    signal: new AbortController().signal,
  };
  const code = await modelCommand.run(args, io);
  return { code, out };
}

test('validate: a good folder exits 0 and lists its parts; a broken one exits 1 naming the problem', async () => {
  const good = await run('validate', await tinyModelDir());
  assert.equal(good.code, 0);
  assert.match(good.out, /: OK\n/);
  assert.match(good.out, /onnx\/decoder_model_merged\.onnx \(fp32, float32 I\/O/);
  const dir = mkdtempSync(join(tmpdir(), 'vlm-cli-model-'));
  try {
    cpSync(await tinyModelDir(), dir, { recursive: true });
    unlinkSync(join(dir, 'onnx', 'vision_encoder.onnx'));
    const bad = await run('validate', dir, '--json');
    assert.equal(bad.code, 1);
    const report = JSON.parse(bad.out);
    assert.equal(report.ok, false);
    assert.match(report.problems.join('\n'), /onnx\/vision_encoder\*\.onnx: not found/);
    assert.equal(liveSessionCount(), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('generate --out writes a folder that validates; bad arguments are usage errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vlm-cli-model-'));
  try {
    const out = join(dir, 'tiny');
    const generated = await run('generate', '--preset', 'tiny', '--out', out);
    assert.equal(generated.code, 0);
    assert.ok(existsSync(join(out, 'onnx', 'decoder_model_merged.onnx')));
    assert.equal((await run('validate', out)).code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await assert.rejects(run('generate', '--preset', 'huge'), UsageError);
  await assert.rejects(run('validate'), UsageError);
  await assert.rejects(run('frob'), UsageError);
});
