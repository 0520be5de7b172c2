// analyze_screenshot with a `session`, through the SDK's client over stdio against a real
// `vlm mcp` process: the second screenshot of a pair cut from a real recording reuses
// readings and returns what a call without a session returns; a bad name is a tool error
// naming the name.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import sharp from 'sharp';
import { loadPair, SCREEN_PAIRS } from '../../../engine/bench/support/screen-pairs';

const ROOT = join(__dirname, '../../..');
const work = mkdtempSync(join(tmpdir(), 'vlm-mcp-session-'));
let client: Client;
const frames: string[] = [];

before(async () => {
  const pair = SCREEN_PAIRS.find((p) => p.id === 'thefuck-output')!;
  for (const [i, image] of (await loadPair(pair)).entries()) {
    const path = join(work, `frame-${i}.png`);
    await sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
      .png()
      .toFile(path);
    frames.push(path);
  }
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      '-r',
      'tsx/cjs',
      '-e',
      "require('./engine/cli/main').main(['mcp', '--threads', '2']).then((c) => process.exit(c))",
    ],
    cwd: ROOT,
    env: { ...process.env, VLM_PROVIDER: 'cpu', VLM_CACHE_DIR: work } as Record<string, string>,
    stderr: 'inherit',
  });
  client = new Client({ name: 'vlm-test-client', version: '1.0.0' });
  await client.connect(transport);
});
after(async () => {
  await client.close();
  rmSync(work, { recursive: true, force: true });
});

const call = async (args: Record<string, unknown>) =>
  (await client.callTool({ name: 'analyze_screenshot', arguments: args })) as CallToolResult;
const parsed = (result: CallToolResult) => {
  const text = (result.content[0] as { type: 'text'; text: string }).text;
  assert.ok(!result.isError, text);
  return JSON.parse(text) as Record<string, unknown> & { session?: Record<string, unknown> };
};
const content = ({ session, timings, ...rest }: Record<string, unknown>) => {
  void session;
  void timings;
  return rest;
};

test('the tool schema offers an optional session', async () => {
  const { tools } = await client.listTools();
  const tool = tools.find((t) => t.name === 'analyze_screenshot')!;
  const session = (tool.inputSchema.properties as Record<string, { maxLength: number }>).session;
  assert.equal(session.maxLength, 64);
});

test("a session's second screenshot reuses readings and equals a call without a session", async () => {
  const first = parsed(await call({ image_path: frames[0], session: 'agent-1' }));
  assert.equal(first.session?.mode, 'full');
  assert.equal(first.session?.reason, 'new session');
  const second = parsed(await call({ image_path: frames[1], session: 'agent-1' }));
  assert.equal(second.session?.mode, 'incremental');
  assert.equal(second.session?.screenshot, 2);
  assert.ok((second.session?.reusedCrops as number) > 0, JSON.stringify(second.session));
  const plain = parsed(await call({ image_path: frames[1] }));
  assert.equal(plain.session, undefined);
  assert.deepEqual(content(second), content(plain));
});

test('a bad session name is a tool error naming it', async () => {
  const result = await call({ image_path: frames[0], session: 'no/slashes' });
  assert.equal(result.isError, true);
  const text = (result.content[0] as { text: string }).text;
  assert.match(text, /session name "no\/slashes": may hold only letters, digits/);
  const long = await call({ image_path: frames[0], session: 'x'.repeat(65) });
  assert.equal(long.isError, true);
  assert.match((long.content[0] as { text: string }).text, /session/);
});
