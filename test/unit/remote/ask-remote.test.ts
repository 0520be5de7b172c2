// `vlm ask --remote` end to end: the local engine ingests, gates and retrieves; the frames
// it retrieves go to an OpenAI-compatible server (our own endpoint, serving the real tiny
// reference model) with their timestamps, and the answer streams back. Both sides are real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ChatBackend, ChatRequest } from '../../../engine/openai/backend';
import { LocalModelBackend } from '../../../engine/openai/local-backend';
import { startHttpServer } from '../../../engine/openai/server';
import { formatTimestamp } from '../../../engine/remote/keyframes';
import { tinyModelDir } from '../model/tiny-model';

const ROOT = join(__dirname, '..', '..', '..');
const VIDEO = join(ROOT, 'test', 'fixtures', 'real', 'lazygit-nuke-working-tree.mp4');
const run = promisify(execFile);

/** The real backend, with each request and its streamed text recorded for the assertions. */
function recording(backend: ChatBackend) {
  const seen: { request: ChatRequest; text: string }[] = [];
  const wrapped: ChatBackend = {
    listModels: (signal) => backend.listModels(signal),
    async *generate(request, signal) {
      const entry = { request, text: '' };
      seen.push(entry);
      for await (const event of backend.generate(request, signal)) {
        if (event.type === 'text') entry.text += event.text;
        yield event;
      }
    },
  };
  return { wrapped, seen };
}

function vlm(args: string[], env: NodeJS.ProcessEnv) {
  return run(process.execPath, [join(ROOT, 'bin', 'vlm.js'), ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

test('vlm ask --remote sends the retrieved frames with their times and prints the remote answer', async () => {
  const local = await LocalModelBackend.load(await tinyModelDir(), { modelId: 'reference-tiny' });
  const { wrapped, seen } = recording(local);
  const server = await startHttpServer({ port: 0, backend: wrapped, maxTokens: 8 });
  try {
    const result = await vlm(
      [
        'ask',
        VIDEO,
        'What does the dialog offer?',
        '--remote',
        '--json',
        '--no-cache',
        '--max-tokens',
        '8',
      ],
      {
        VLM_REMOTE_BASE_URL: server.url,
        VLM_REMOTE_MODEL: 'reference-tiny',
        VLM_CACHE_DIR: mkdtempSync(join(tmpdir(), 'vlm-ask-remote-')),
      },
    );
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(seen.length, 1, 'one chat request per question');
    const parts = seen[0].request.messages.flatMap((m) => m.content);
    const images = parts.filter((p) => p.type === 'image');
    const texts = parts.flatMap((p) => (p.type === 'text' ? [p.text] : []));
    assert.equal(
      images.length,
      Math.min(8, report.evidence.length),
      'one image per evidence frame',
    );
    for (const e of report.evidence.slice(0, 8))
      assert.ok(
        texts.includes(`Frame at ${formatTimestamp(e.timeSec)}:`),
        `the frame at ${e.timeSec} s is labelled with its time`,
      );
    assert.ok(texts.includes('Question: What does the dialog offer?'));
    assert.equal(report.answer, seen[0].text.trim(), 'the answer is the remote one');
    assert.equal(report.notice, undefined, 'no reference-model notice on a remote answer');
  } finally {
    await server.close();
    await local.model.dispose();
  }
});

test('vlm ask --remote without a configured server is a usage error naming the variable', async () => {
  const result = await vlm(['ask', VIDEO, 'Anything?', '--remote'], {
    VLM_REMOTE_BASE_URL: '',
    VLM_REMOTE_MODEL: '',
  });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /VLM_REMOTE_BASE_URL/);
});
