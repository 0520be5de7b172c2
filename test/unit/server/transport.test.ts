import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { ArgsError, parseTransport } from '../../../server/transport/args';
import { authenticate, tokensMatch } from '../../../server/transport/socket-auth';

describe('server transport arguments', () => {
  it('defaults to stdio and parses node-ipc and socket', () => {
    assert.deepEqual(parseTransport([], {}), { kind: 'stdio', authenticate: false });
    assert.deepEqual(parseTransport(['--node-ipc', '--clientProcessId=12'], {}), {
      kind: 'node-ipc',
    });
    assert.deepEqual(parseTransport(['--socket', '7000', '--token', 't'], {}), {
      kind: 'socket',
      port: 7000,
      host: '127.0.0.1',
      token: 't',
    });
    assert.equal(parseTransport(['--socket=7000'], { VLM_SERVE_TOKEN: 'env' }).kind, 'socket');
  });

  it('rejects a socket without a token, a bad port, two transports, stray flags', () => {
    assert.throws(() => parseTransport(['--socket', '7000'], {}), /needs a token/);
    assert.throws(() => parseTransport(['--socket', 'http', '--token', 't'], {}), /not a port/);
    assert.throws(() => parseTransport(['--stdio', '--node-ipc'], {}), /choose one/);
    assert.throws(() => parseTransport(['--stdio', '--token', 'x'], {}), /only apply to --socket/);
    assert.throws(
      () => parseTransport(['--bogus'], {}),
      (e: Error) => e instanceof ArgsError && /--bogus/.test(e.message),
    );
  });
});

describe('socket token line', () => {
  it('accepts the right token and keeps the bytes after it', async () => {
    const input = new PassThrough();
    const outcome = authenticate(input, 'abc');
    input.write('ab');
    input.write('c\nContent-Length: 2\r\n');
    assert.deepEqual(await outcome, { ok: true, rest: Buffer.from('Content-Length: 2\r\n') });
  });

  it('refuses a wrong token and a missing newline', async () => {
    const wrong = new PassThrough();
    const outcome = authenticate(wrong, 'abc');
    wrong.write('abd\n');
    assert.deepEqual(await outcome, { ok: false, reason: 'wrong token' });
    const endless = new PassThrough();
    const tooLong = authenticate(endless, 'abc');
    endless.write('x'.repeat(2000));
    assert.equal((await tooLong).ok, false);
    assert.equal(tokensMatch('a', 'a'), true);
    assert.equal(tokensMatch('a', 'b'), false);
  });
});
