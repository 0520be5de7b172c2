// The same question about the same file through every entry point: the CLI (`vlm ask
// --json`), MCP (`ask_video` through the SDK client), the language server (over stdio) and
// the HTTP endpoint (`vlm serve --http`). All four run the one engine session, so they
// see the same frames, cite the same evidence times and report the same cache. Each entry
// point gets a cache directory of its own, so each encodes the file itself. The language
// server runs with the editor's default settings (the frame gate's threshold among them).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { toServerSettings, validateSettings } from '../../../client/settings/validate';
import { resolveFfmpeg } from '../../../engine/ingest';
import { AskRequest, OpenStreamRequest } from '../../../protocol/protocol';
import { FIXTURES, ROOT, startServer, withTimeout } from './harness';

const QUESTION = 'What is on the screen when the command fails?';
/** `vlm ARGS...` from the sources. */
const cli = (...args: string[]) => [
  '-r',
  'tsx/cjs',
  '-e',
  `require('./engine/cli/main').main(${JSON.stringify(args)}).then((c) => process.exit(c))`,
];

/** What every entry point must agree on. */
interface Seen {
  framesEncoded: number;
  framesSkipped: number;
  evidenceTimes: number[];
  blocks: { sink: number; recent: number; retrievable: number };
}

const round = (t: number) => Math.round(t * 1000) / 1000;
const times = (evidence: { timeSec: number }[]) =>
  evidence.map((e) => round(e.timeSec)).sort((a, b) => a - b);

const scratch = mkdtempSync(join(tmpdir(), 'vlm-parity-'));
const cacheFor = (entry: string) => join(scratch, `cache-${entry}`);
const envFor = (entry: string) => ({
  ...process.env,
  VLM_CACHE_DIR: cacheFor(entry),
  VLM_PROVIDER: 'cpu',
  VLM_MODEL_DIR: '',
});

/** A short WebM (VP8) made from a real camera clip: no WebM ships with the fixtures. */
function makeWebm(): string {
  const out = join(scratch, 'street.webm');
  const ffmpeg = resolveFfmpeg().path;
  const r = spawnSync(ffmpeg, [
    '-loglevel',
    'error',
    '-i',
    join(FIXTURES, 'silent-film-street-scene.mp4'),
    '-t',
    '4',
    '-vf',
    'scale=320:-2',
    '-c:v',
    'libvpx',
    '-b:v',
    '300k',
    '-an',
    out,
  ]);
  assert.equal(r.status, 0, `ffmpeg could not make the WebM: ${r.stderr}`);
  return out;
}

async function viaCli(file: string): Promise<Seen> {
  const r = spawnSync(process.execPath, cli('ask', file, QUESTION, '--json'), {
    cwd: ROOT,
    env: envFor('cli'),
    encoding: 'utf8',
    timeout: 300_000,
  });
  assert.equal(r.status, 0, `vlm ask failed: ${r.stderr}`);
  const json = JSON.parse(r.stdout);
  assert.equal(json.model.id, 'reference:tiny');
  return {
    framesEncoded: json.cache.framesEncoded,
    framesSkipped: json.cache.framesSkipped,
    evidenceTimes: times(json.evidence),
    blocks: {
      sink: json.cache.sink.blocks,
      recent: json.cache.recent.blocks,
      retrievable: json.cache.retrievable.blocks,
    },
  };
}

let mcp: Client;
async function viaMcp(file: string): Promise<Seen> {
  const result = (await mcp.callTool(
    { name: 'ask_video', arguments: { video_path: file, question: QUESTION } },
    undefined,
    { timeout: 300_000 },
  )) as CallToolResult;
  const text = (result.content[0] as { text: string }).text;
  assert.ok(!result.isError, text);
  const json = JSON.parse(text);
  assert.equal(json.model, 'reference:tiny');
  return {
    framesEncoded: json.frames.encoded,
    framesSkipped: json.frames.skipped,
    evidenceTimes: times(json.evidence),
    blocks: json.blocks,
  };
}

let lsp: Awaited<ReturnType<typeof startServer>>;
async function viaLanguageServer(file: string): Promise<Seen> {
  const summary = await withTimeout(
    lsp.connection.sendRequest(OpenStreamRequest, {
      source: { kind: 'file', uri: pathToFileURL(file).href },
      waitForEncoding: true,
    }),
    300_000,
    'openStream',
  );
  const result = await lsp.connection.sendRequest(AskRequest, {
    askId: `parity-${file}`,
    streamId: summary.streamId,
    question: QUESTION,
  });
  return {
    framesEncoded: summary.framesEncoded,
    framesSkipped: summary.framesSkipped,
    evidenceTimes: times(result.evidence),
    blocks: {
      sink: result.cache!.sink.blocks,
      recent: result.cache!.recent.blocks,
      retrievable: result.cache!.retrievable.blocks,
    },
  };
}

let http: { child: ChildProcess; url: string };
async function viaHttp(file: string): Promise<Seen> {
  const response = await fetch(`${http.url}/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'video_url', video_url: { url: pathToFileURL(file).href } },
            { type: 'text', text: QUESTION },
          ],
        },
      ],
    }),
    signal: AbortSignal.timeout(300_000),
  });
  const json = await response.json();
  assert.equal(response.status, 200, JSON.stringify(json));
  assert.equal(json.vlm.model, 'reference:tiny');
  return {
    framesEncoded: json.vlm.frames.encoded,
    framesSkipped: json.vlm.frames.skipped,
    evidenceTimes: times(json.vlm.evidence),
    blocks: json.vlm.blocks,
  };
}

function startHttp(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    cli(
      'serve',
      '--http',
      '--port',
      '0',
      '--allow-file-urls',
      FIXTURES,
      '--allow-file-urls',
      scratch,
    ),
    { cwd: ROOT, env: envFor('http'), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /on (http:\/\/\S+\/v1)/.exec(out)?.[1];
      if (url) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`vlm serve --http exited ${code}: ${out}`)));
  });
}

describe('parity: one question, four entry points, the same frames and evidence', () => {
  let webm: string;

  before(async () => {
    webm = makeWebm();
    mcp = new Client({ name: 'vlm-parity', version: '1.0.0' });
    await mcp.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: cli('mcp'),
        cwd: ROOT,
        env: envFor('mcp') as Record<string, string>,
        stderr: 'ignore',
      }),
    );
    // The language server gets what the editor sends when the user has set nothing: the
    // settings' defaults, so this also proves the editor's defaults match the CLI's.
    lsp = await startServer(
      toServerSettings(validateSettings(() => undefined).settings),
      envFor('lsp'),
    );
    http = await startHttp();
  });

  after(async () => {
    await mcp?.close();
    await lsp?.stop();
    http?.child.kill();
    rmSync(scratch, { recursive: true, force: true });
  });

  const cases: { name: string; file: () => string; seconds: number; image?: boolean }[] = [
    {
      name: 'an animated GIF',
      file: () => join(FIXTURES, 'terminal-thefuck-corrections.gif'),
      seconds: 31.1,
    },
    { name: 'a WebM', file: () => webm, seconds: 4 },
    { name: 'an MP4', file: () => join(FIXTURES, 'lazygit-nuke-working-tree.mp4'), seconds: 11.3 },
    { name: 'a PNG', file: () => join(FIXTURES, 'tabby-ssh-session.png'), seconds: 0, image: true },
  ];

  for (const c of cases)
    it(`${c.name}: the CLI, MCP, the language server and HTTP agree`, async () => {
      const file = c.file();
      const seen = {
        cli: await viaCli(file),
        mcp: await viaMcp(file),
        lsp: await viaLanguageServer(file),
        http: await viaHttp(file),
      };
      for (const [entry, s] of Object.entries(seen))
        assert.deepEqual(s, seen.cli, `${entry} differs from the CLI`);
      // Every sampled frame is seen (encoded, or skipped by the gate as unchanged).
      const sampled = seen.cli.framesEncoded + seen.cli.framesSkipped;
      if (c.image) assert.equal(sampled, 1);
      else
        assert.ok(
          sampled >= Math.floor(c.seconds),
          `${sampled} frames for ${c.seconds} s at 1 fps`,
        );
      assert.ok(seen.cli.evidenceTimes.length > 0, 'evidence');
    });
});
