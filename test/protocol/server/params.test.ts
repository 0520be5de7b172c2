// Wrong-typed params for every custom request of the real language server: each is
// answered InvalidParams (-32602) naming the field, the type it must have and what came,
// before any work starts; the server goes on serving afterwards.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { EngineStatusRequest, VlmErrorCodes } from '../../../protocol/protocol';
import { METHOD_PARAMS } from '../../../server/method-params';
import { SCREENS, startServer, type ServerUnderTest } from './harness';

interface Case {
  params: unknown;
  field: string;
  /** The expected type as the message states it, and what was sent instead. */
  message: RegExp;
}

const file = { kind: 'file', uri: 'file:///tmp/x.mp4' };

/** At least one case per method; a method added to METHOD_PARAMS must add its own. */
const CASES: Record<string, Case[]> = {
  'vlm/openStream': [
    {
      params: { source: { ...file, follow: 'yes' } },
      field: 'source.follow',
      message: /must be true or false \(got a string\)/,
    },
    {
      params: { source: file, waitForEncoding: 1 },
      field: 'waitForEncoding',
      message: /must be true or false \(got a number\)/,
    },
    {
      params: { source: file, workDoneToken: { id: 1 } },
      field: 'workDoneToken',
      message: /integer or a string \(got an object\)/,
    },
    { params: { source: file, maxFrames: 2.5 }, field: 'maxFrames', message: /integer/ },
    {
      params: { source: { kind: 'url', url: 'rtsp://h/s', rtspTransport: 'carrier-pigeon' } },
      field: 'source.rtspTransport',
      message: /one of 'tcp', 'udp'/,
    },
    {
      params: { source: { kind: 'live', input: ':0', options: { r: 30 } } },
      field: 'source.options.r',
      message: /must be a string \(got a number\)/,
    },
    { params: { source: 'file.mp4' }, field: 'source', message: /object \(got a string\)/ },
  ],
  'vlm/closeStream': [
    { params: { streamId: 7 }, field: 'streamId', message: /non-empty string \(got a number\)/ },
  ],
  'vlm/listStreams': [{ params: [1], field: 'params', message: /object \(got an array\)/ }],
  'vlm/ask': [
    {
      params: { askId: 'a', question: 'q', image: { base64: '!!!' } },
      field: 'image.base64',
      message: /is not valid base64 \(3 characters/,
    },
    {
      params: { askId: 'a', question: 'q', image: { base64: '' } },
      field: 'image.base64',
      message: /holds no image bytes/,
    },
    {
      params: { askId: 'a', streamId: 's', question: ['why?'] },
      field: 'question',
      message: /non-empty string \(got an array\)/,
    },
    {
      params: { askId: 'a', streamId: 's', question: 'q', maxTokens: '64' },
      field: 'maxTokens',
      message: /number from 1 to 8192 \(got a string\)/,
    },
    {
      params: { askId: 'a', streamId: 's', question: 'q', timeRange: { fromSec: '0:10' } },
      field: 'timeRange.fromSec',
      message: /number/,
    },
    {
      params: { askId: 'a', streamId: 's', question: 'q'.repeat(100_000) },
      field: 'question',
      message: /longer than \d+ characters/,
    },
  ],
  'vlm/analyzeScreenshot': [
    {
      params: { image: { base64: 42 } },
      field: 'image.base64',
      message: /string \(got a number\)/,
    },
    {
      params: { image: { uri: 'file:///x.png' }, query: false },
      field: 'query',
      message: /string \(got a boolean\)/,
    },
  ],
  'vlm/searchText': [
    {
      params: { streamId: 's', query: 'q', limit: 'ten' },
      field: 'limit',
      message: /number from 1 to 1000 \(got a string\)/,
    },
  ],
  'vlm/timeline': [{ params: { streamId: ['s1'] }, field: 'streamId', message: /got an array/ }],
  'vlm/cacheStats': [{ params: { streamId: 3 }, field: 'streamId', message: /got a number/ }],
  'vlm/engineStatus': [{ params: [true], field: 'params', message: /got an array/ }],
  'vlm/listModels': [{ params: ['all'], field: 'params', message: /got an array/ }],
  'vlm/validateModel': [{ params: { path: true }, field: 'path', message: /got a boolean/ }],
  'vlm/selectModel': [{ params: { model: null }, field: 'model', message: /got null/ }],
  'vlm/mediaSummary': [
    {
      params: { uri: 'file:///x.png', withText: 'no' },
      field: 'withText',
      message: /true or false \(got a string\)/,
    },
  ],
};

describe('language server params checks', () => {
  let server: ServerUnderTest;
  before(async () => {
    server = await startServer({ statsIntervalMs: 0 });
  });
  after(async () => {
    if (server.child.exitCode === null) await server.stop();
  });

  it('has a wrong-params case for every checked method', () => {
    assert.deepEqual(Object.keys(CASES).sort(), Object.keys(METHOD_PARAMS).sort());
  });

  for (const [method, cases] of Object.entries(CASES))
    it(`answers wrong params of ${method} with InvalidParams naming the field and type`, async () => {
      for (const c of cases) {
        await assert.rejects(
          server.connection.sendRequest(method, c.params),
          (error: { code: number; message: string; data?: { field?: string } }) => {
            assert.equal(error.code, VlmErrorCodes.InvalidParams, error.message);
            assert.equal(error.data?.field, c.field, error.message);
            assert.ok(error.message.includes(`'${c.field}'`), error.message);
            assert.match(error.message, c.message);
            return true;
          },
          `${method} ${JSON.stringify(c.params).slice(0, 80)}`,
        );
      }
    });

  it('names base64 image bytes as image.base64, never by their temporary file', async () => {
    const text = Buffer.from('plain text, not an image\n');
    await assert.rejects(
      server.connection.sendRequest('vlm/ask', {
        askId: 'b64-text',
        question: 'What is this?',
        image: { base64: text.toString('base64') },
      }),
      (error: { code: number; message: string; data?: { uri?: string } }) => {
        assert.equal(error.code, VlmErrorCodes.MediaUnreadable, error.message);
        assert.match(error.message, new RegExp(`^image\\.base64 \\(${text.length} bytes\\): `));
        assert.doesNotMatch(error.message, /vlm-ask-|\/tmp\//);
        assert.equal(error.data?.uri, undefined);
        return true;
      },
    );
    // A header declaring 65535 x 65535 pixels is refused before anything is written.
    const png = readFileSync(`${SCREENS}/vscode-problems-immutable-variable.png`);
    png.writeUInt32BE(65535, 16);
    png.writeUInt32BE(65535, 20);
    png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
    await assert.rejects(
      server.connection.sendRequest('vlm/ask', {
        askId: 'b64-bomb',
        question: 'What is this?',
        image: { base64: png.toString('base64') },
      }),
      (error: { code: number; message: string }) => {
        assert.equal(error.code, VlmErrorCodes.InputTooLarge, error.message);
        assert.match(error.message, /^image\.base64 \(\d+ bytes\): .*65535/);
        return true;
      },
    );
  });

  it('keeps serving after the bad requests', async () => {
    const status = await server.connection.sendRequest(EngineStatusRequest);
    assert.equal(status.state, 'idle');
    assert.equal(status.openStreams, 0);
  });
});

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return ~crc >>> 0;
}
