// Lines that are not MCP messages, sent to `vlm mcp` over real stdio: each gets the
// JSON-RPC 2.0 error (Parse error / Invalid Request) on stdout and one line on stderr,
// and the server keeps serving.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';

const ROOT = join(__dirname, '../../..');
const cacheDir = mkdtempSync(join(tmpdir(), 'vlm-mcp-frames-'));
let child: ChildProcessWithoutNullStreams;
let stderr = '';
const replies: Record<string, unknown>[] = [];
let waiting: (() => void) | undefined;

before(async () => {
  child = spawn(
    process.execPath,
    [
      '-r',
      'tsx/cjs',
      '-e',
      "require('./engine/cli/main').main(['mcp', '--threads', '2']).then((c) => process.exit(c))",
    ],
    { cwd: ROOT, env: { ...process.env, VLM_PROVIDER: 'cpu', VLM_CACHE_DIR: cacheDir } },
  );
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    replies.push(JSON.parse(line) as Record<string, unknown>);
    waiting?.();
  });
  const init = await exchange(
    JSON.stringify({
      jsonrpc: '2.0',
      id: 'init',
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'frames-test', version: '1' },
      },
    }) + '\n',
  );
  assert.ok(init.result, JSON.stringify(init));
  child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
});

after(() => {
  child.stdin.end();
  child.kill();
  rmSync(cacheDir, { recursive: true, force: true });
});

/** Writes `data` and resolves with the next line the server writes. */
async function exchange(
  data: string | Buffer,
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  const seen = replies.length;
  const next = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply to ${String(data)}`)), timeoutMs);
    waiting = () => {
      if (replies.length > seen) {
        clearTimeout(timer);
        resolve();
      }
    };
  });
  child.stdin.write(data);
  await next;
  return replies[seen];
}

interface ErrorReply {
  jsonrpc: string;
  id: string | number | null;
  error: { code: number; message: string };
}

const cases: [string, string | Buffer, number, string | number | null, RegExp][] = [
  ['a line that is not JSON', '{"jsonrpc": "2.0", oops\n', -32700, null, /Parse error: not JSON/],
  [
    'binary bytes',
    Buffer.concat([Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x01]), Buffer.from('\n')]),
    -32700,
    null,
    /Parse error/,
  ],
  ['a JSON array of numbers', '[1, 2, 3]\n', -32600, null, /Invalid Request: .*JSON array/],
  [
    'a request without a method',
    '{"jsonrpc":"2.0","id":7,"params":{}}\n',
    -32600,
    7,
    /Invalid Request: .*no method/,
  ],
  [
    'a method that is a number',
    '{"jsonrpc":"2.0","id":"m","method":42}\n',
    -32600,
    'm',
    /Invalid Request: .*method is not a string/,
  ],
  [
    'params as a string',
    '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":"analyze_screenshot"}\n',
    -32600,
    9,
    /Invalid Request: .*params is not an object/,
  ],
];

for (const [what, line, code, id, message] of cases)
  test(`${what} gets a ${code} error and the server keeps serving`, async () => {
    const before = stderr.length;
    const reply = (await exchange(line)) as unknown as ErrorReply;
    assert.equal(reply.jsonrpc, '2.0');
    assert.equal(reply.id, id);
    assert.equal(reply.error.code, code);
    assert.match(reply.error.message, message);
    const list = await exchange(
      JSON.stringify({ jsonrpc: '2.0', id: `list-${code}`, method: 'tools/list' }) + '\n',
    );
    assert.equal(list.id, `list-${code}`);
    assert.ok((list.result as { tools: unknown[] }).tools.length > 0);
    const logged = stderr.slice(before).trim().split('\n');
    assert.equal(logged.filter((l) => /refused a line/.test(l)).length, 1, stderr.slice(before));
  });

const callTool = async (id: number, args: Record<string, unknown>) =>
  (await exchange(
    JSON.stringify({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name: 'analyze_screenshot', arguments: args },
    }) + '\n',
  )) as { result: { isError?: boolean; content: { text: string }[] } };

test('analyze_screenshot names image_base64 when it is not base64', async () => {
  const { result } = await callTool(20, { image_base64: '!!! not base64 !!!' });
  assert.equal(result.isError, true);
  assert.match(
    result.content[0].text,
    /^analyze_screenshot: image_base64 \(18 characters\) is not valid base64/,
  );
});

test('analyze_screenshot names image_base64 when its bytes are not a readable image', async () => {
  const { result } = await callTool(21, {
    image_base64: 'iVBORw0KGgoAAAANSUhEUgAAAEAAAAAwCAIAAAAu',
  });
  assert.equal(result.isError, true);
  assert.match(result.content[0].text, /^analyze_screenshot: image_base64 \(30 bytes\): /);
  assert.doesNotMatch(result.content[0].text, /image buffer/);
});
