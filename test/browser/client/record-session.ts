// Records a real diagnostics session from the language server for the panel's browser test:
// starts the server (tiny reference model), opens a screen recording with a small recent
// window so older frames are offloaded, asks one question, and writes every notification
// and the ask result, with their arrival times, to fixtures/diagnostics-recorded.json.
// Run: node --import tsx test/browser/client/record-session.ts
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import prettier from 'prettier';
import { AskRequest, OpenStreamRequest } from '../../../protocol/protocol';
import { FIXTURES, startServer } from '../../protocol/server/harness';

const OUT = join(__dirname, 'fixtures', 'diagnostics-recorded.json');
const RECORDED = [
  'vlm/engineStatusChanged',
  'vlm/streamStatusChanged',
  'vlm/cacheStatsChanged',
  'vlm/askToken',
];

async function main() {
  const cacheDir = mkdtempSync(join(tmpdir(), 'vlm-record-'));
  const server = await startServer(
    { cacheDir, statsIntervalMs: 250, budget: { recentBlocks: 3, topK: 2 } },
    { VLM_CACHE_DIR: cacheDir },
  );
  const started = Date.now();
  const session: unknown[] = [];
  for (const method of RECORDED)
    server.connection.onNotification(method, (params: unknown) =>
      session.push({ atMs: Date.now() - started, method, params }),
    );
  try {
    const stream = await server.connection.sendRequest(OpenStreamRequest, {
      source: { kind: 'file', uri: `file://${FIXTURES}/lazygit-nuke-working-tree.mp4` },
      sampleFps: 2,
      waitForEncoding: true,
    });
    const params = {
      askId: 'recorded-1',
      streamId: stream.streamId,
      question: 'When does the reset dialog appear?',
      maxTokens: 12,
    };
    const askedAt = Date.now() - started;
    const result = await server.connection.sendRequest(AskRequest, params);
    session.push({ atMs: askedAt, method: 'vlm/ask', params, result });
    await new Promise((resolve) => setTimeout(resolve, 600)); // one more stats round
  } finally {
    await server.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  }
  // Paths differ per machine; the panel shows only the file name.
  const text = JSON.stringify(session).replaceAll(FIXTURES, '/fixtures');
  // Formatted as `npm run format:check` expects.
  writeFileSync(OUT, await prettier.format(text, { filepath: OUT }));
  console.log(`recorded ${session.length} messages into ${OUT}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
