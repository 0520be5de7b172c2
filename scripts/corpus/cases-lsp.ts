// Cases for the language server over stdio: bad files through vlm/openStream and vlm/ask,
// wrong-typed params for every method, broken model folders, and broken frames.
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fileGroup } from './file-group';
import type { Materials } from './materials';
import type { CorpusCase } from './types';

const uri = (path: string) => pathToFileURL(path).href;
const fileNames = (names: string[]) => [...names, ...names.map(encodeURIComponent)];

const lsp = (
  id: string,
  group: string,
  input: string,
  names: string[],
  method: string,
  params: unknown,
  extra: Partial<CorpusCase> = {},
): CorpusCase => ({
  id: `lsp/${group}/${id}`,
  entry: 'lsp',
  group,
  input,
  names,
  payload: { request: { method, params } },
  ...extra,
});

/** A framed message whose header is `header` (the body's length unless given). */
function frame(id: string, input: string, body: string, header?: string): CorpusCase {
  const head = header ?? `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  return {
    id: `lsp/frame/${id}`,
    entry: 'lsp',
    group: 'frame',
    input,
    names: ['Content-Length', 'header', 'JSON', 'json', 'message', 'jsonrpc', 'method', 'request'],
    mayExit: true,
    payload: { raw: Buffer.from(head + body).toString('base64') },
  };
}

const FRAMES: CorpusCase[] = [
  frame('length-not-a-number', 'Content-Length: abc', '{}', 'Content-Length: abc\r\n\r\n'),
  frame(
    'no-header',
    'a body without a header',
    '{"jsonrpc":"2.0","id":1,"method":"vlm/engineStatus"}',
    '',
  ),
  frame('bad-json', 'a body that is not JSON', '{"jsonrpc": "2.0", "id": 1, "method": '),
  frame('huge-length', 'Content-Length: 99999999999', '{}', 'Content-Length: 99999999999\r\n\r\n'),
  frame('negative-length', 'Content-Length: -5', '{}', 'Content-Length: -5\r\n\r\n'),
  frame(
    'length-too-short',
    'Content-Length shorter than the body',
    '{"jsonrpc":"2.0","id":1,"method":"vlm/engineStatus"}',
    'Content-Length: 5\r\n\r\n',
  ),
  frame('lf-only-header', 'a header ended by LF only', '{}', 'Content-Length: 2\n\n'),
  frame(
    'latin1-charset',
    'Content-Type with charset latin1',
    '{"jsonrpc":"2.0","id":1,"method":"vlm/engineStatus"}',
    'Content-Length: 53\r\nContent-Type: application/vscode-jsonrpc; charset=latin1\r\n\r\n',
  ),
  frame('body-array', 'a JSON array as the message', '[]'),
  frame('body-number', 'a JSON number as the message', '42'),
  frame('body-null', 'JSON null as the message', 'null'),
  // Answering a "1.0" request as if it were "2.0" is harmless: an answer is accepted.
  {
    ...frame('jsonrpc-1', 'jsonrpc "1.0"', '{"jsonrpc":"1.0","id":1,"method":"vlm/engineStatus"}'),
    mayAnswer: true,
  },
  frame('no-method', 'a request without a method', '{"jsonrpc":"2.0","id":1}'),
  frame(
    'id-object',
    'a request whose id is an object',
    '{"jsonrpc":"2.0","id":{"a":1},"method":"vlm/engineStatus"}',
  ),
];

function paramCases(m: Materials): CorpusCase[] {
  const good = uri(m.good.png);
  const file = (u: unknown) => ({ kind: 'file', uri: u });
  const p = (id: string, names: string[], method: string, params: unknown) =>
    lsp(id, 'params', `${method} ${JSON.stringify(params)?.slice(0, 80)}`, names, method, params);
  return [
    p('open-null', ['source', 'params'], 'vlm/openStream', null),
    p('open-source-string', ['source'], 'vlm/openStream', { source: 'clip.mp4' }),
    p('open-no-uri', ['uri'], 'vlm/openStream', { source: { kind: 'file' } }),
    p('open-uri-number', ['uri'], 'vlm/openStream', { source: file(42) }),
    p('open-uri-not-uri', ['uri', 'not a uri'], 'vlm/openStream', { source: file('not a uri') }),
    p('open-uri-http', ['uri', 'http'], 'vlm/openStream', {
      source: file('http://example.com/x.mp4'),
    }),
    p('open-kind-unknown', ['kind', 'teleport'], 'vlm/openStream', {
      source: { kind: 'teleport' },
    }),
    p('open-fps-string', ['sampleFps'], 'vlm/openStream', {
      source: file(good),
      sampleFps: 'fast',
    }),
    p('open-fps-negative', ['sampleFps'], 'vlm/openStream', { source: file(good), sampleFps: -1 }),
    p('open-maxframes-negative', ['maxFrames'], 'vlm/openStream', {
      source: file(good),
      maxFrames: -3,
    }),
    p('close-missing', ['streamId'], 'vlm/closeStream', {}),
    p('close-number', ['streamId'], 'vlm/closeStream', { streamId: 5 }),
    p('close-unknown', ['no-such-stream'], 'vlm/closeStream', { streamId: 'no-such-stream' }),
    p('ask-empty', ['askId', 'question'], 'vlm/ask', {}),
    p('ask-params-array', ['params', 'askId', 'question'], 'vlm/ask', ['a', 'b']),
    p('ask-id-number', ['askId'], 'vlm/ask', { askId: 1, question: 'q', image: { uri: good } }),
    p('ask-question-number', ['question'], 'vlm/ask', {
      askId: 'a',
      question: 5,
      image: { uri: good },
    }),
    p('ask-question-30000', ['question'], 'vlm/ask', {
      askId: 'a',
      question: 'z'.repeat(30_000),
      image: { uri: good },
    }),
    p('ask-nothing-to-ask-about', ['streamId', 'image'], 'vlm/ask', { askId: 'a', question: 'q' }),
    p('ask-unknown-stream', ['no-such-stream'], 'vlm/ask', {
      askId: 'a',
      question: 'q',
      streamId: 'no-such-stream',
    }),
    p('ask-image-string', ['image'], 'vlm/ask', { askId: 'a', question: 'q', image: 'x.png' }),
    p('ask-bad-base64', ['base64'], 'vlm/ask', {
      askId: 'a',
      question: 'q',
      image: { base64: '!!!' },
    }),
    p('ask-max-tokens-string', ['maxTokens'], 'vlm/ask', {
      askId: 'a',
      question: 'q',
      image: { uri: good },
      maxTokens: 'many',
    }),
    p('ask-max-tokens-negative', ['maxTokens'], 'vlm/ask', {
      askId: 'a',
      question: 'q',
      image: { uri: good },
      maxTokens: -1,
    }),
    p('ask-time-range-string', ['fromSec', 'timeRange'], 'vlm/ask', {
      askId: 'a',
      question: 'q',
      image: { uri: good },
      timeRange: { fromSec: 'a' },
    }),
    p('ask-time-range-reversed', ['fromSec', 'toSec', 'timeRange'], 'vlm/ask', {
      askId: 'a',
      question: 'q',
      image: { uri: good },
      timeRange: { fromSec: 10, toSec: 1 },
    }),
    p('analyze-empty', ['image'], 'vlm/analyzeScreenshot', {}),
    p('analyze-uri-number', ['uri'], 'vlm/analyzeScreenshot', { image: { uri: 5 } }),
    p('analyze-bad-base64', ['base64'], 'vlm/analyzeScreenshot', { image: { base64: 'zzz' } }),
    p('analyze-query-number', ['query'], 'vlm/analyzeScreenshot', {
      image: { uri: good },
      query: 3,
    }),
    p('search-empty', ['streamId'], 'vlm/searchText', {}),
    p('search-query-number', ['query'], 'vlm/searchText', { streamId: 'x', query: 5 }),
    p('search-unknown-stream', ['no-such-stream'], 'vlm/searchText', {
      streamId: 'no-such-stream',
      query: 'q',
    }),
    p('cache-stats-number', ['streamId'], 'vlm/cacheStats', { streamId: 5 }),
    p('cache-stats-unknown', ['no-such-stream'], 'vlm/cacheStats', { streamId: 'no-such-stream' }),
    p('validate-empty', ['path'], 'vlm/validateModel', {}),
    p('validate-number', ['path'], 'vlm/validateModel', { path: 5 }),
    p('select-empty', ['model'], 'vlm/selectModel', {}),
    p('select-number', ['model'], 'vlm/selectModel', { model: 5 }),
    p('select-unknown-reference', ['reference:huge'], 'vlm/selectModel', {
      model: 'reference:huge',
    }),
    p('summary-empty', ['uri'], 'vlm/mediaSummary', {}),
    p('summary-uri-number', ['uri'], 'vlm/mediaSummary', { uri: 7 }),
    p('summary-with-text-string', ['withText'], 'vlm/mediaSummary', { uri: good, withText: 'yes' }),
    p('summary-missing-file', ['gone.mp4'], 'vlm/mediaSummary', {
      uri: uri('/nonexistent/gone.mp4'),
    }),
    p('unknown-method', ['vlm/doesNotExist'], 'vlm/doesNotExist', {}),
  ];
}

export function lspCases(m: Materials): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const f of [...m.media, ...m.bombs, ...m.odd, ...m.hostile]) {
    const group = fileGroup(m, f);
    const params = {
      source: { kind: 'file', uri: uri(f.path) },
      waitForEncoding: true,
      label: basename(f.path),
    };
    cases.push(
      lsp(f.id, group, f.input, fileNames(f.names), 'vlm/openStream', params, {
        mayAnswer: f.mayAnswer,
        problems: f.problems,
      }),
    );
  }
  for (const f of [...m.media, ...m.bombs].filter((f) => f.still)) {
    const params = {
      askId: `ask-${f.id}`,
      question: 'What is shown?',
      image: { uri: uri(f.path) },
      maxTokens: 4,
    };
    cases.push(
      lsp(`ask-${f.id}`, 'media', f.input, fileNames(f.names), 'vlm/ask', params, {
        mayAnswer: f.mayAnswer,
        problems: f.problems,
      }),
    );
  }
  cases.push(...paramCases(m));
  for (const model of m.models) {
    cases.push(
      lsp(`validate-${model.id}`, 'model', model.input, model.names, 'vlm/validateModel', {
        path: model.path,
      }),
    );
    cases.push(
      lsp(`select-${model.id}`, 'model', model.input, model.names, 'vlm/selectModel', {
        model: model.path,
      }),
    );
  }
  return [...cases, ...FRAMES];
}
