// The timeline through the entry points: `vlm timeline --json` and the MCP server's
// video_timeline tool (with find_text_in_video's first and last appearance), on a
// generated recording whose toast appears at a known frame.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { timelineCommand } from '../../../engine/cli/commands/timeline';
import type { Timeline } from '../../../engine/timeline';
import { makeVideo, TOAST, toastFrame } from './generated';

const ROOT = join(__dirname, '../../..');
const cacheDir = mkdtempSync(join(tmpdir(), 'vlm-timeline-entry-'));
let video: string;
let client: Client;

before(async () => {
  video = await makeVideo('toast', TOAST.frames, toastFrame);
  process.env.VLM_CACHE_DIR = cacheDir;
  process.env.VLM_PROVIDER = 'cpu';
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      '-r',
      'tsx/cjs',
      '-e',
      "require('./engine/cli/main').main(['mcp']).then((c) => process.exit(c))",
    ],
    cwd: ROOT,
    env: { ...process.env, VLM_PROVIDER: 'cpu', VLM_CACHE_DIR: cacheDir } as Record<string, string>,
    stderr: 'inherit',
  });
  client = new Client({ name: 'vlm-timeline-test', version: '1.0.0' });
  await client.connect(transport);
});
after(async () => {
  await client.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

const textOf = (result: CallToolResult) =>
  (result.content[0] as { type: 'text'; text: string }).text;

test('vlm timeline --json lists the toast with its text and the tracks', async () => {
  let out = '';
  const code = await timelineCommand.run([video, '--json', '--fps', '4'], {
    out: (t: string) => (out += t),
    err: () => undefined,
    signal: new AbortController().signal,
  });
  assert.equal(code, 0);
  const timeline = JSON.parse(out) as Timeline;
  const toast = timeline.events.find((e) => e.type === 'notification' && e.action === 'appeared');
  assert.ok(toast, JSON.stringify(timeline.events));
  assert.equal(toast.timeSec, TOAST.frame / 4);
  const line = timeline.tracks.find((t) => t.text.includes(TOAST.text));
  assert.ok(line && line.startSec === TOAST.frame / 4, JSON.stringify(timeline.tracks));
});

test('video_timeline and find_text_in_video give first and last appearance', async () => {
  const result = (await client.callTool({
    name: 'video_timeline',
    arguments: { video_path: video },
  })) as CallToolResult;
  assert.ok(!result.isError, textOf(result));
  const timeline = JSON.parse(textOf(result)) as Timeline & { tracksTotal: number };
  assert.ok(timeline.tracksTotal >= 3);
  // At one frame a second the toast drawn at 1.75 s is first seen in the frame at 2 s.
  const toast = timeline.tracks.find((t) => t.text.includes(TOAST.text));
  assert.equal(toast?.startSec, 2);
  const found = (await client.callTool({
    name: 'find_text_in_video',
    arguments: { video_path: video, query: 'Hello World' },
  })) as CallToolResult;
  const { hits } = JSON.parse(textOf(found));
  assert.equal(hits[0].firstSec, 2);
  assert.ok(hits[0].lastSec >= hits[0].firstSec);
});
