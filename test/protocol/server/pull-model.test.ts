// vlm/modelCatalog and vlm/pullModel through the real language server over stdio: the
// catalog comes back with sizes, bad params are refused naming the field, and a download
// with HF_HUB_OFFLINE=1 fails with ModelDownloadFailed and a message that says why and what
// to do (the download itself is engine/hub's, tested there).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ModelCatalogRequest, PullModelRequest } from '../../../protocol/models-pull';
import { VlmErrorCodes } from '../../../protocol/protocol';
import { startServer, type ServerUnderTest } from './harness';

async function rejects(promise: Promise<unknown>, code: number, pattern: RegExp) {
  await assert.rejects(promise, (error: { code: number; message: string }) => {
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('model catalog and downloads', () => {
  let server: ServerUnderTest;
  before(async () => {
    server = await startServer({ statsIntervalMs: 0 }, { HF_HUB_OFFLINE: '1', VLM_MODEL_DIR: '' });
  });
  after(async () => {
    if (server.child.exitCode === null) await server.stop();
  });

  it('lists the catalog with sizes and says that no model is installed', async () => {
    const catalog = await server.connection.sendRequest(ModelCatalogRequest);
    assert.ok(catalog.models.length > 0);
    assert.ok(catalog.models.some((m) => m.repo === catalog.defaultRepo));
    for (const m of catalog.models) {
      assert.match(m.repo, /^[\w.-]+\/[\w.-]+$/);
      assert.ok(Object.values(m.sizes).every((b) => typeof b === 'number' && b > 0));
    }
    assert.equal(catalog.modelInstalled, false);
  });

  it('refuses params that name no repository or an unknown precision', async () => {
    const send = (params: unknown) =>
      server.connection.sendRequest(PullModelRequest.method, params as never);
    await rejects(send({}), VlmErrorCodes.InvalidParams, /'repo' must be a non-empty string/);
    await rejects(
      send({ repo: 'not a repo' }),
      VlmErrorCodes.InvalidParams,
      /'repo' must be a Hugging Face repository 'owner\/name', got 'not a repo'/,
    );
    await rejects(
      send({ repo: 'HuggingFaceTB/SmolVLM2-256M-Video-Instruct', dtype: 'int3' }),
      VlmErrorCodes.InvalidParams,
      /'dtype' must be one of auto, fp32, fp16, q8, q4/,
    );
  });

  it('fails offline with ModelDownloadFailed, naming the repository and HF_HUB_OFFLINE', async () => {
    const catalog = await server.connection.sendRequest(ModelCatalogRequest);
    await rejects(
      server.connection.sendRequest(PullModelRequest, { repo: catalog.defaultRepo }),
      VlmErrorCodes.ModelDownloadFailed,
      new RegExp(`cannot download ${catalog.defaultRepo}: .*offline \\(HF_HUB_OFFLINE=1\\)`),
    );
    // The server still answers afterwards.
    assert.equal((await server.connection.sendRequest(ModelCatalogRequest)).modelInstalled, false);
  });
});
