// Which weights a folder with several dtypes loads: `auto` (every entry point's default)
// takes q8 when every part has it and fp32 otherwise; an explicit dtype wins; a bad
// VLM_DTYPE fails the load with its name and leaves the session usable.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadModel } from '../../../../engine/model';
import { EngineSession } from '../../../../engine/session';
import { variantFolder } from './helpers';

let folder: Awaited<ReturnType<typeof variantFolder>>;

before(async () => {
  folder = await variantFolder(['q8', 'q4']);
});
after(() => folder?.cleanup());

async function dtypesLoaded(dir: string, dtype?: 'auto' | 'fp32' | 'q4') {
  const model = await loadModel(dir, dtype ? { dtype } : {});
  try {
    return Object.values(model.files).map((file) => file.dtype);
  } finally {
    await model.dispose();
  }
}

test('auto loads q8 when every part has it; the engine default stays fp32 first', async () => {
  assert.deepEqual(await dtypesLoaded(folder.dir, 'auto'), ['q8', 'q8', 'q8']);
  assert.deepEqual(await dtypesLoaded(folder.dir), ['fp32', 'fp32', 'fp32']);
  assert.deepEqual(await dtypesLoaded(folder.dir, 'q4'), ['q4', 'q4', 'q4']);
});

test('the session loads with VLM_DTYPE, else auto; a bad value names the variable', async () => {
  const dtypeOf = async (env: NodeJS.ProcessEnv) => {
    const session = new EngineSession({ model: folder.dir, cacheDir: null, env });
    try {
      const loaded = await session.model();
      return loaded.model.files.decoder.dtype;
    } finally {
      await session.dispose();
    }
  };
  assert.equal(await dtypeOf({}), 'q8');
  assert.equal(await dtypeOf({ VLM_DTYPE: 'fp32' }), 'fp32');
  await assert.rejects(dtypeOf({ VLM_DTYPE: 'int3' }), /VLM_DTYPE="int3" is not one of auto/);
});

test('auto falls back to fp32 when one part has no q8 file', async () => {
  rmSync(join(folder.dir, 'onnx', 'embed_tokens_quantized.onnx'));
  assert.deepEqual(await dtypesLoaded(folder.dir, 'auto'), ['fp32', 'fp32', 'fp32']);
});
