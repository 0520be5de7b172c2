// The real language server over stdio, fed bytes no well-behaved client sends: a bad
// header, broken JSON, a non-object message, a frame split into single bytes, requests
// after `shutdown`. Each is answered, and the session keeps serving until `exit`.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { VlmErrorCodes } from '../../../protocol/protocol';
import { RawClient } from './raw-client';

const nullIdError = (code: number) => (r: { id: unknown; error?: { code: number } }) =>
  r.id === null && r.error?.code === code;

describe('language server framing and shutdown', () => {
  let client: RawClient;
  beforeEach(async () => {
    client = new RawClient();
    await client.initialize();
  });
  afterEach(() => client.kill());

  it('answers a bad Content-Length with -32700, skips that frame and keeps serving', async () => {
    client.write(
      'Content-Length: abc\r\n\r\n{"jsonrpc":"2.0","id":99,"method":"vlm/engineStatus"}',
    );
    const id = client.request('vlm/engineStatus');
    const status = await client.replyTo(id);
    assert.equal((status.result as { state: string }).state, 'idle');
    const parseError = await client.reply(nullIdError(-32700), 'no -32700 for the bad header');
    assert.match(parseError.error!.message, /Content-Length 'abc' is not a number/);
    assert.ok(!client.replies.some((r) => r.id === 99), 'the bad frame must not be answered');
    assert.match(client.stderr, /bad message header/);
    await client.replyTo(client.request('shutdown'));
    client.send({ jsonrpc: '2.0', method: 'exit' });
    assert.equal(await client.exited(), 0);
  });

  it('recovers from a header with no Content-Length and from a length that is too short', async () => {
    client.write('X-Nonsense: 1\r\n\r\n');
    const body = JSON.stringify({ jsonrpc: '2.0', id: 50, method: 'vlm/listStreams' });
    // Ten bytes short: the tail of the body lands where the next header should be.
    client.write(`Content-Length: ${body.length - 10}\r\n\r\n${body}`);
    const id = client.request('vlm/listStreams');
    const listed = (await client.replyTo(id)).result as { streams: unknown[] };
    assert.deepEqual(listed.streams, []);
    const problems = client.replies.filter((r) => r.id === null).map((r) => r.error!.message);
    assert.ok(
      problems.some((p) => /the Content-Length header is missing/.test(p)),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => /not valid JSON/.test(p)),
      problems.join('\n'),
    );
    assert.ok(!client.replies.some((r) => r.id === 50), 'the cut frame must not be answered');
  });

  it('answers a Content-Length over the frame limit with -32700 naming the limit', async () => {
    client.write('Content-Length: 99999999999\r\n\r\n{}');
    const parseError = await client.reply(nullIdError(-32700), 'no -32700 for the huge length');
    assert.match(
      parseError.error!.message,
      /Content-Length 99999999999 is larger than the limit of \d+ bytes/,
    );
    const id = client.request('vlm/engineStatus');
    assert.equal(((await client.replyTo(id)).result as { state: string }).state, 'idle');
  });

  it('answers broken JSON with -32700 and a non-object message with -32600', async () => {
    const broken = '{"jsonrpc":"2.0","id":7,"method":';
    client.write(`Content-Length: ${broken.length}\r\n\r\n${broken}`);
    const parseError = await client.reply(nullIdError(-32700), 'no -32700 for broken JSON');
    assert.match(parseError.error!.message, /not valid JSON/);
    client.send([1, 2, 3]);
    const invalid = await client.reply(nullIdError(-32600), 'no -32600 for an array');
    assert.match(invalid.error!.message, /JSON object/);
    client.send({ jsonrpc: '2.0', id: 'm', method: 12 });
    const badMethod = await client.reply((r) => r.id === 'm', 'no answer to a numeric method');
    assert.equal(badMethod.error?.code, -32600);
    const id = client.request('vlm/engineStatus');
    assert.ok((await client.replyTo(id)).result);
  });

  it('reads a frame that arrives one byte at a time', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 'slow', method: 'vlm/engineStatus' });
    const frame = Buffer.from(`Content-Length: ${body.length}\r\n\r\n${body}`);
    for (const byte of frame) {
      client.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const reply = await client.reply((r) => r.id === 'slow', 'no reply to the slow frame');
    assert.ok(reply.result);
  });

  it("refuses every request after 'shutdown' with ShuttingDown, then exits on 'exit'", async () => {
    await client.replyTo(client.request('shutdown'));
    for (const method of ['vlm/engineStatus', 'vlm/listStreams', 'vlm/noSuchMethod', 'shutdown']) {
      const reply = await client.replyTo(client.request(method, {}));
      assert.equal(reply.error?.code, VlmErrorCodes.ShuttingDown, `${method}: ${reply.error}`);
      assert.match(reply.error!.message, new RegExp(`'${method}' refused after 'shutdown'`));
    }
    client.send({ jsonrpc: '2.0', method: 'exit' });
    assert.equal(await client.exited(), 0);
  });
});
