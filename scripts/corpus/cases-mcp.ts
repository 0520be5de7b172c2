// Cases for the MCP server (`vlm mcp`, newline-delimited JSON-RPC on stdio): the tools with
// bad files and wrong-typed arguments, and lines that are not JSON-RPC at all.
import { fileGroup } from './file-group';
import type { Materials } from './materials';
import type { CorpusCase } from './types';

const mcp = (
  id: string,
  group: string,
  input: string,
  names: string[],
  name: string,
  args: unknown,
  extra: Partial<CorpusCase> = {},
): CorpusCase => ({
  id: `mcp/${group}/${id}`,
  entry: 'mcp',
  group,
  input,
  names,
  payload: { tool: { name, arguments: args } },
  ...extra,
});

const raw = (id: string, input: string, line: string): CorpusCase => ({
  id: `mcp/frame/${id}`,
  entry: 'mcp',
  group: 'frame',
  input,
  names: ['JSON', 'json', 'jsonrpc', 'method', 'message', 'request'],
  payload: { raw: Buffer.from(`${line}\n`).toString('base64') },
});

function argumentCases(m: Materials): CorpusCase[] {
  const png = m.good.png;
  const a = (id: string, names: string[], tool: string, args: unknown) =>
    mcp(id, 'params', `${tool} ${JSON.stringify(args).slice(0, 80)}`, names, tool, args);
  return [
    a('ask-path-number', ['video_path'], 'ask_video', { video_path: 42, question: 'q' }),
    a('ask-path-missing', ['video_path'], 'ask_video', { question: 'q' }),
    a('ask-path-empty', ['video_path'], 'ask_video', { video_path: '', question: 'q' }),
    a('ask-question-number', ['question'], 'ask_video', { video_path: png, question: 7 }),
    a('ask-question-missing', ['question'], 'ask_video', { video_path: png }),
    a('ask-question-30000', ['question'], 'ask_video', {
      video_path: png,
      question: 'y'.repeat(30_000),
    }),
    a('ask-max-tokens-string', ['max_tokens'], 'ask_video', {
      video_path: png,
      question: 'q',
      max_tokens: 'lots',
    }),
    a('ask-max-tokens-negative', ['max_tokens'], 'ask_video', {
      video_path: png,
      question: 'q',
      max_tokens: -5,
    }),
    a('ask-max-tokens-huge', ['max_tokens'], 'ask_video', {
      video_path: png,
      question: 'q',
      max_tokens: 1e12,
    }),
    a('analyze-nothing', ['image_path', 'image_base64'], 'analyze_screenshot', {}),
    a('analyze-both', ['image_path', 'image_base64'], 'analyze_screenshot', {
      image_path: png,
      image_base64: m.good.pngBase64,
    }),
    a('analyze-bad-base64', ['image_base64'], 'analyze_screenshot', {
      image_base64: '!!! not base64 !!!',
    }),
    a('analyze-base64-truncated', ['image_base64'], 'analyze_screenshot', {
      image_base64: m.good.pngBase64.slice(0, 40),
    }),
    a('analyze-path-array', ['image_path'], 'analyze_screenshot', { image_path: [png] }),
    a('analyze-query-number', ['query'], 'analyze_screenshot', { image_path: png, query: 5 }),
    a('find-limit-negative', ['limit'], 'find_text_in_video', {
      video_path: m.good.mp4,
      query: 'x',
      limit: -1,
    }),
    a('find-limit-string', ['limit'], 'find_text_in_video', {
      video_path: m.good.mp4,
      query: 'x',
      limit: 'ten',
    }),
    a('find-query-missing', ['query'], 'find_text_in_video', { video_path: m.good.mp4 }),
    a('unknown-tool', ['delete_everything'], 'delete_everything', {}),
    a('arguments-array', ['arguments', 'video_path'], 'ask_video', ['x']),
    a('arguments-null', ['arguments', 'video_path'], 'ask_video', null),
  ];
}

export function mcpCases(m: Materials): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const f of [...m.media, ...m.bombs, ...m.odd, ...m.hostile]) {
    const group = fileGroup(m, f);
    cases.push(
      mcp(
        f.id,
        group,
        f.input,
        f.names,
        'ask_video',
        { video_path: f.path, question: 'What is shown?', max_tokens: 4 },
        { mayAnswer: f.mayAnswer, problems: f.problems },
      ),
    );
  }
  for (const f of [...m.media, ...m.bombs].filter((f) => f.still))
    cases.push(
      mcp(
        `analyze-${f.id}`,
        'media',
        f.input,
        f.names,
        'analyze_screenshot',
        { image_path: f.path },
        { mayAnswer: f.mayAnswer, problems: f.problems },
      ),
    );
  for (const f of m.media.filter((f) => f.format === 'mp4' || f.format === 'webm'))
    cases.push(
      mcp(
        `find-${f.id}`,
        'media',
        f.input,
        f.names,
        'find_text_in_video',
        { video_path: f.path, query: 'x' },
        { mayAnswer: f.mayAnswer, problems: f.problems },
      ),
    );
  cases.push(...argumentCases(m));
  cases.push(
    raw('not-json', 'a line that is not JSON', '{"jsonrpc": "2.0", "id": 1, "method": '),
    raw('json-array-of-junk', 'a JSON array of numbers', '[1, 2, 3]'),
    raw('no-method', 'a request without a method', '{"jsonrpc":"2.0","id":901}'),
    raw('method-number', 'a method that is a number', '{"jsonrpc":"2.0","id":902,"method":5}'),
    raw(
      'params-string',
      'tools/call with params as a string',
      '{"jsonrpc":"2.0","id":903,"method":"tools/call","params":"ask_video"}',
    ),
    raw('binary', 'binary bytes', '\u0000\u0001\u00ff\u00fe garbage'),
  );
  return cases;
}
