// The server hands generation to a remote OpenAI-compatible server when `vlm.remote` is
// set: it still opens, encodes and retrieves locally; the answer comes from the remote
// side (our own endpoint here, serving the real tiny reference model). A file stream sends
// frames decoded again from the file; a live stream (here a recording served over HTTP)
// sends the stills it kept as they arrived.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveFfmpeg } from '../../../engine/ingest/ffmpeg-path';
import type { ChatBackend } from '../../../engine/openai/backend';
import { LocalModelBackend } from '../../../engine/openai/local-backend';
import { startHttpServer } from '../../../engine/openai/server';
import { AskRequest, AskTokenNotification, OpenStreamRequest } from '../../../protocol/protocol';
import { tinyModelDir } from '../../unit/model/tiny-model';
import { FIXTURES, serveOverHttp, startServer, withTimeout, type ServerUnderTest } from './harness';

describe('asks answered by a remote server (vlm.remote)', () => {
  let cacheDir: string;
  let local: LocalModelBackend;
  let endpoint: Awaited<ReturnType<typeof startHttpServer>>;
  let server: ServerUnderTest;
  const remoteAnswers: string[] = [];
  /** How many images each remote request carried. */
  const remoteImages: number[] = [];

  before(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'vlm-remote-protocol-'));
    local = await LocalModelBackend.load(await tinyModelDir(), { modelId: 'reference-tiny' });
    // Records what the remote side generated, to compare with what the editor receives.
    const recorded: ChatBackend = {
      listModels: () => local.listModels(),
      async *generate(request, signal) {
        remoteImages.push(
          request.messages.flatMap((m) => m.content).filter((p) => p.type === 'image').length,
        );
        let text = '';
        for await (const event of local.generate(request, signal)) {
          if (event.type === 'text') text += event.text;
          if (event.type === 'done') remoteAnswers.push(text);
          yield event;
        }
      },
    };
    endpoint = await startHttpServer({ port: 0, backend: recorded, maxTokens: 6 });
    server = await startServer(
      { cacheDir, remote: { baseUrl: endpoint.url, model: 'reference-tiny' } },
      { VLM_CACHE_DIR: cacheDir },
    );
  });

  after(async () => {
    await server?.stop();
    await endpoint?.close();
    await local?.model.dispose();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('streams the remote answer with local evidence', async () => {
    const tokens: string[] = [];
    server.connection.onNotification(AskTokenNotification, (t) => tokens.push(t.text));
    const summary = await withTimeout(
      server.connection.sendRequest(OpenStreamRequest, {
        source: { kind: 'file', uri: `file://${FIXTURES}/silent-film-street-scene.mp4` },
        sampleFps: 1,
        waitForEncoding: true,
      }),
      120_000,
      'openStream',
    );
    const result = await withTimeout(
      server.connection.sendRequest(AskRequest, {
        askId: 'remote-1',
        streamId: summary.streamId,
        question: 'Who points at whom?',
        maxTokens: 6,
      }),
      60_000,
      'ask',
    );
    assert.equal(remoteAnswers.length, 1, 'the question went to the remote server once');
    assert.equal(result.answer, remoteAnswers[0].trim());
    assert.equal(tokens.join('').trim(), result.answer);
    assert.ok(result.evidence.length > 0, 'retrieval ran locally');
    assert.ok(remoteImages[0] > 0, 'the evidence frames went with the question');
  });

  it('a live stream sends the stills it kept while ingesting', async () => {
    // A network source that cannot be rewound: four seconds of the film as Matroska over HTTP.
    const mkv = join(cacheDir, 'live.mkv');
    execFileSync(resolveFfmpeg().path, [
      ...['-v', 'error', '-i', `${FIXTURES}/silent-film-street-scene.mp4`],
      ...['-t', '4', '-c', 'copy', '-y', mkv],
    ]);
    const http = await serveOverHttp(readFileSync(mkv), 'video/x-matroska');
    try {
      const { url } = http;
      const summary = await withTimeout(
        server.connection.sendRequest(OpenStreamRequest, {
          source: { kind: 'url', url },
          sampleFps: 1,
          waitForEncoding: true,
        }),
        120_000,
        'openStream (live)',
      );
      const asked = remoteAnswers.length;
      const result = await withTimeout(
        server.connection.sendRequest(AskRequest, {
          askId: 'remote-live',
          streamId: summary.streamId,
          question: 'What happens on the sidewalk?',
          maxTokens: 6,
        }),
        60_000,
        'ask (live)',
      );
      assert.equal(remoteAnswers.length, asked + 1, 'the live question went to the remote server');
      assert.equal(result.answer, remoteAnswers[asked].trim());
      assert.ok(remoteImages[asked] > 0, 'kept stills went with the question');
    } finally {
      http.close();
    }
  });
});
