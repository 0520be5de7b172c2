// The worker's model names and list: a model pulled from the Hub is named and listed as
// `org/name[@revision]`, never by its folder in the Hugging Face cache.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REQUIRED_JSON } from '../../../engine/model/folder';
import { VlmErrorCodes } from '../../../protocol/protocol';
import { configure } from '../../../server/engine-worker/config';
import { listModels, modelName } from '../../../server/engine-worker/models';

const SHA = 'b'.repeat(40);
const OTHER_SHA = 'c'.repeat(40);

/** A repository in the Hugging Face cache layout holding an fp32 ONNX model, under `ref`. */
function pulled(cache: string, repo: string, ref: string, sha: string): string {
  const root = join(cache, `models--${repo.replace('/', '--')}`);
  const snapshot = join(root, 'snapshots', sha);
  mkdirSync(join(snapshot, 'onnx'), { recursive: true });
  mkdirSync(join(root, 'refs'), { recursive: true });
  writeFileSync(join(root, 'refs', ref), sha);
  for (const name of REQUIRED_JSON) writeFileSync(join(snapshot, name), '{}');
  for (const part of ['vision_encoder', 'embed_tokens', 'decoder_model_merged'])
    writeFileSync(join(snapshot, 'onnx', `${part}.onnx`), 'x');
  return snapshot;
}

describe('server model names', () => {
  const cache = mkdtempSync(join(tmpdir(), 'vlm-hf-cache-'));
  after(() => rmSync(cache, { recursive: true, force: true }));
  const env = { HF_HUB_CACHE: cache };

  it('keeps org/name and org/name@revision as Hub names', () => {
    assert.equal(
      modelName('HuggingFaceTB/SmolVLM2-256M-Video-Instruct', 'model'),
      'HuggingFaceTB/SmolVLM2-256M-Video-Instruct',
    );
    assert.equal(modelName('org/name@v1.0', 'model'), 'org/name@v1.0');
    assert.equal(modelName('reference:tiny', 'model'), 'reference:tiny');
    assert.equal(modelName('file:///tmp/some-model', 'model'), '/tmp/some-model');
  });

  it('refuses a name that is none of them, naming it', () => {
    assert.throws(
      () => modelName('not a model', 'model'),
      (error: { code?: number; message?: string }) =>
        error.code === VlmErrorCodes.InvalidParams && /'not a model'/.test(error.message ?? ''),
    );
  });

  it('lists pulled models by their Hub name, with the snapshot as their folder', () => {
    const main = pulled(cache, 'test-org/tiny-vlm', 'main', SHA);
    pulled(cache, 'test-org/tagged-vlm', 'v1', OTHER_SHA);
    const models = listModels(env).models;
    const tiny = models.find((m) => m.id === 'test-org/tiny-vlm');
    assert.deepEqual(
      { kind: tiny?.kind, name: tiny?.name, path: tiny?.path, valid: tiny?.valid },
      { kind: 'hub', name: 'test-org/tiny-vlm', path: main, valid: true },
    );
    assert.ok(models.some((m) => m.id === 'test-org/tagged-vlm@v1' && m.valid));
    assert.ok(!models.some((m) => m.id.includes('models--')), 'a cache folder name was listed');
  });

  it('lists a selected Hub model that is not pulled as not valid, saying how to pull it', () => {
    configure({ modelPath: 'test-org/missing-vlm' });
    try {
      const { models, selected } = listModels(env);
      assert.equal(selected, 'test-org/missing-vlm');
      const missing = models.find((m) => m.id === 'test-org/missing-vlm');
      assert.equal(missing?.kind, 'hub');
      assert.equal(missing?.valid, false);
      assert.match(missing?.problems?.[0] ?? '', /vlm model pull test-org\/missing-vlm/);
    } finally {
      configure({});
    }
  });
});
