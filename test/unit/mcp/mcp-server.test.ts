// The MCP server through the SDK's own client over stdio: `vlm mcp` runs as a child
// process, exactly as an MCP host (Claude Desktop, Cursor) would start it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import sharp from 'sharp';
import { EVIDENCE_REASONS, SESSION_LIMITS } from '../../../engine/session';
import { renderScreen } from '../ocr/rendered-screen';
import { generateRecording, TYPE_ERROR_AT_SEC } from '../ocr/recording';

const ROOT = join(__dirname, '../../..');
let client: Client;
const cacheDir = mkdtempSync(join(tmpdir(), 'vlm-mcp-cache-'));

before(async () => {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      '-r',
      'tsx/cjs',
      '-e',
      "require('./engine/cli/main').main(['mcp', '--threads', '2']).then((c) => process.exit(c))",
    ],
    cwd: ROOT,
    // ask_video generates the tiny reference model into this cache (under a second).
    env: {
      ...process.env,
      VLM_PROVIDER: 'cpu',
      VLM_CACHE_DIR: cacheDir,
    } as Record<string, string>,
    stderr: 'inherit',
  });
  client = new Client({ name: 'vlm-test-client', version: '1.0.0' });
  await client.connect(transport);
});
after(async () => {
  await client.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

const call = async (name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args })) as CallToolResult;
const textOf = (result: CallToolResult) =>
  (result.content[0] as { type: 'text'; text: string }).text;

test('the server lists its tools with input schemas', async () => {
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name).sort(), [
    'analyze_screenshot',
    'ask_video',
    'find_text_in_video',
    'video_timeline',
  ]);
  const find = tools.find((t) => t.name === 'find_text_in_video')!;
  assert.deepEqual(find.inputSchema.required, ['video_path', 'query']);
});

test('analyze_screenshot reads a base64 screenshot and locates the Save button', async () => {
  const screen = await renderScreen();
  const result = await call('analyze_screenshot', {
    image_base64: screen.png.toString('base64'),
    query: 'where is the Save button',
  });
  assert.ok(!result.isError, textOf(result));
  const analysis = JSON.parse(textOf(result));
  assert.equal(analysis.width, 1280);
  assert.ok(analysis.elements.some((e: { text: string }) => e.text === 'Cancel'));
  assert.equal(analysis.matches[0].text, 'Save');
  assert.equal(analysis.matches[0].role, 'button');
  // The button's box (rendered at 640,400 110x44), not its label's; the label sits inside.
  const box = analysis.matches[0].box;
  assert.ok(Math.abs(box.x - 640) <= 3 && Math.abs(box.y - 400) <= 3, JSON.stringify(box));
  assert.ok(box.w >= 107 && box.h >= 41 && box.w > screen.boxes.save.w + 40, JSON.stringify(box));
  const save = analysis.ui.find((e: { text: string; role: string }) => e.text === 'Save');
  assert.deepEqual([save.role, save.interactable], ['button', true]);
  assert.equal(analysis.ui[save.parent].role, 'panel');
});

test('analyze_screenshot with marks returns the set-of-marks PNG as image content', async () => {
  const screen = await renderScreen();
  const result = await call('analyze_screenshot', {
    image_base64: screen.png.toString('base64'),
    marks: true,
  });
  assert.ok(!result.isError, textOf(result));
  const image = result.content[1] as { type: string; data: string; mimeType: string };
  assert.equal(image.type, 'image');
  assert.equal(image.mimeType, 'image/png');
  const png = Buffer.from(image.data, 'base64');
  const { width, height } = await sharp(png).metadata();
  assert.deepEqual([width, height], [1280, 720]);
  // The marks change pixels on the Save button's outline, not the rendered screenshot alone.
  const raw = async (b: Buffer) => sharp(b).removeAlpha().raw().toBuffer();
  const [before, after] = await Promise.all([raw(screen.png), raw(png)]);
  const changed = (x0: number, x1: number, y: number) => {
    let n = 0;
    for (let x = x0; x < x1; x++)
      for (let c = 0; c < 3; c++)
        if (before[(y * 1280 + x) * 3 + c] !== after[(y * 1280 + x) * 3 + c]) n++;
    return n;
  };
  assert.ok(changed(634, 646, 425) > 0, 'the left edge of the Save button is outlined');
  assert.equal(changed(660, 730, 442), 0, 'inside the button the pixels are as they were');
});

test('find_text_in_video finds when the error first appears', async () => {
  const video = await generateRecording();
  const result = await call('find_text_in_video', {
    video_path: video,
    query: 'TypeError',
  });
  assert.ok(!result.isError, textOf(result));
  const { hits, indexedFrames } = JSON.parse(textOf(result));
  assert.ok(indexedFrames >= 2 && indexedFrames <= 3);
  assert.ok(Math.abs(hits[0].timeSec - TYPE_ERROR_AT_SEC) <= 0.5, JSON.stringify(hits[0]));
});

test('ask_video answers with the streaming engine (reference model) and evidence times', async () => {
  const video = await generateRecording();
  const result = await call('ask_video', {
    video_path: video,
    question: 'What error appears?',
    max_tokens: 4,
  });
  assert.ok(!result.isError, textOf(result));
  const answer = JSON.parse(textOf(result));
  assert.equal(typeof answer.answer, 'string');
  assert.equal(answer.referenceModel, true);
  assert.ok(
    answer.evidence.length > 0 && answer.evidence.every((e: { timeSec: number }) => e.timeSec >= 0),
  );
  // The same reasons and score range as the editor and the CLI.
  for (const e of answer.evidence as { reason: string; score: number; retrieved: boolean }[]) {
    assert.ok((EVIDENCE_REASONS as readonly string[]).includes(e.reason), `reason ${e.reason}`);
    assert.ok(e.score >= 0 && e.score <= 1, `score ${e.score}`);
    if (e.reason === 'retrieved') assert.equal(e.retrieved, true);
  }
});

test('bad arguments come back as tool errors that name the problem; the server keeps serving', async () => {
  const missing = await call('analyze_screenshot', { image_path: '/nonexistent/shot.png' });
  assert.equal(missing.isError, true);
  assert.match(textOf(missing), /shot\.png.*not found/);
  const neither = await call('analyze_screenshot', {});
  assert.match(textOf(neither), /exactly one of 'image_path' or 'image_base64'/);
  const noQuery = await call('find_text_in_video', { video_path: '/tmp/x.mp4' });
  assert.match(textOf(noQuery), /missing required argument 'query'/);
  const { tools } = await client.listTools();
  assert.equal(tools.length, 4);
});

test('wrong-typed, out-of-range and unknown arguments are refused naming the argument', async () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    [
      'ask_video',
      { video_path: '/tmp/x.mp4', question: 42 },
      /'question' must be a string \(got a number\)/,
    ],
    [
      'ask_video',
      { video_path: ['/tmp/x.mp4'], question: 'q' },
      /'video_path' must be a string \(got an array\)/,
    ],
    [
      'ask_video',
      { video_path: '/tmp/x.mp4', question: 'q', max_tokens: '5' },
      /'max_tokens' must be an integer \(got a string\)/,
    ],
    [
      'ask_video',
      { video_path: '/tmp/x.mp4', question: 'q', max_tokens: 5000 },
      /'max_tokens' must be from 1 to 1024 \(got 5000\)/,
    ],
    [
      'ask_video',
      { video_path: '/tmp/x.mp4', question: 'q'.repeat(20_000) },
      /'question' is longer than \d+ characters/,
    ],
    [
      'ask_video',
      { video_path: '/tmp/x.mp4', question: 'q', max_token: 4 },
      /unknown argument 'max_token'; ask_video takes/,
    ],
    [
      'find_text_in_video',
      { video_path: '/tmp/x.mp4', query: 'q', limit: 2.5 },
      /'limit' must be an integer \(got 2.5\)/,
    ],
    [
      'analyze_screenshot',
      { image_base64: true },
      /'image_base64' must be a string \(got a boolean\)/,
    ],
  ];
  for (const [tool, args, message] of cases) {
    const result = await call(tool, args);
    assert.equal(result.isError, true, `${tool} ${JSON.stringify(args).slice(0, 80)}`);
    assert.match(textOf(result), message);
  }
  const { tools } = await client.listTools();
  const ask = tools.find((t) => t.name === 'ask_video')!;
  const question = (ask.inputSchema.properties as Record<string, { maxLength?: number }>).question;
  assert.equal(question.maxLength, SESSION_LIMITS.questionChars);
});
