// Cases for the OpenAI-compatible endpoint (`vlm serve --http`, started with
// --allow-file-urls on the corpus folder): bad files by file:// and data: URLs, URLs that
// escape the allowed folder, and malformed request bodies.
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fileGroup } from './file-group';
import type { Materials } from './materials';
import type { CorpusCase } from './types';

const CHAT = '/v1/chat/completions';
const JSON_HEADERS = { 'content-type': 'application/json' };

const post = (
  id: string,
  group: string,
  input: string,
  names: string[],
  body: string,
  extra: Partial<CorpusCase> = {},
): CorpusCase => ({
  id: `http/${group}/${id}`,
  entry: 'http',
  group,
  input,
  names,
  payload: { http: { method: 'POST', path: CHAT, headers: JSON_HEADERS, body } },
  ...extra,
});

/** A chat body asking about one image or video URL. */
function chatWith(url: string, part: 'image_url' | 'video_url'): string {
  const content = [
    { type: 'text', text: 'What is shown?' },
    { type: part, [part]: { url } },
  ];
  return JSON.stringify({
    model: 'reference:tiny',
    max_tokens: 4,
    messages: [{ role: 'user', content }],
  });
}

const message = (content: unknown) => [{ role: 'user', content }];

function bodyCases(m: Materials): CorpusCase[] {
  const b = (id: string, names: string[], input: string, body: string) =>
    post(id, 'body', input, names, body);
  const j = (id: string, names: string[], value: unknown) =>
    b(id, names, JSON.stringify(value).slice(0, 80), JSON.stringify(value));
  const ok = { model: 'reference:tiny', max_tokens: 4, messages: message('hi') };
  return [
    b(
      'not-json',
      ['JSON', 'json', 'body'],
      'a body that is not JSON',
      '{"model": "reference:tiny", ',
    ),
    b('empty', ['body', 'JSON', 'json'], 'an empty body', ''),
    j('array', ['body', 'object'], [1, 2]),
    j('null', ['body', 'object'], null),
    j('stream-yes', ['stream'], { ...ok, stream: 'yes' }),
    j('max-tokens-string', ['max_tokens'], { ...ok, max_tokens: 'many' }),
    j('max-tokens-negative', ['max_tokens'], { ...ok, max_tokens: -1 }),
    j('temperature-string', ['temperature'], { ...ok, temperature: 'hot' }),
    j('no-messages', ['messages'], { model: 'reference:tiny' }),
    j('messages-empty', ['messages'], { ...ok, messages: [] }),
    j('messages-string', ['messages'], { ...ok, messages: 'hi' }),
    j('message-no-role', ['role'], { ...ok, messages: [{ content: 'hi' }] }),
    j('message-role-wizard', ['role', 'wizard'], {
      ...ok,
      messages: [{ role: 'wizard', content: 'hi' }],
    }),
    j('content-number', ['content'], { ...ok, messages: message(42) }),
    j('part-type-unknown', ['type', 'audio_url'], {
      ...ok,
      messages: message([{ type: 'audio_url', audio_url: { url: 'x' } }]),
    }),
    j('image-url-missing', ['image_url', 'url'], {
      ...ok,
      messages: message([{ type: 'image_url' }]),
    }),
    j('model-unknown', ['no-such-model'], { ...ok, model: 'no-such-model' }),
    j('data-url-not-base64', ['image_url', 'data', 'base64'], {
      ...ok,
      messages: message([
        { type: 'image_url', image_url: { url: 'data:image/png;base64,%%%not base64%%%' } },
      ]),
    }),
    j('data-url-no-comma', ['image_url', 'data'], {
      ...ok,
      messages: message([{ type: 'image_url', image_url: { url: 'data:image/png;base64' } }]),
    }),
    j('data-url-text-mime', ['image_url', 'text/plain', 'data'], {
      ...ok,
      messages: message([
        { type: 'image_url', image_url: { url: 'data:text/plain;base64,aGVsbG8=' } },
      ]),
    }),
    j('http-url', ['http', 'example.com', 'image_url'], {
      ...ok,
      messages: message([{ type: 'image_url', image_url: { url: 'http://example.com/x.png' } }]),
    }),
    j('question-30000', ['content', 'text', 'message', 'token', 'prompt'], {
      ...ok,
      messages: message('w'.repeat(30_000)),
    }),
    j('seventeen-images', ['image', '16'], {
      ...ok,
      messages: message(
        Array.from({ length: 17 }, () => ({
          type: 'image_url',
          image_url: { url: `data:image/png;base64,${m.good.pngBase64}` },
        })),
      ),
    }),
    {
      id: 'http/body/huge',
      entry: 'http',
      group: 'body',
      input: 'a 3 MiB body (limit 2 MiB)',
      names: ['request', 'body', 'MB', 'bytes'],
      payload: {
        http: { method: 'POST', path: CHAT, headers: JSON_HEADERS },
        hugeBodyBytes: 3 * 1024 * 1024,
      },
    },
  ];
}

/** file:// URLs that point outside the allowed folder, directly or through a link. */
function escapeCases(m: Materials): CorpusCase[] {
  const link = join(m.root, 'odd', 'escape-link.png');
  symlinkSync('/etc/hostname', link);
  const e = (id: string, names: string[], input: string, url: string) =>
    post(id, 'escape', input, [...names, 'image_url'], chatWith(url, 'image_url'));
  return [
    e('etc-passwd', ['/etc/passwd', 'passwd'], 'file:///etc/passwd', 'file:///etc/passwd'),
    e(
      'dot-dot',
      ['..', 'passwd'],
      'a file URL climbing out with ..',
      `${pathToFileURL(m.root).href}/../../../etc/passwd`,
    ),
    e(
      'symlink-escape',
      ['escape-link.png'],
      'a link in the allowed folder pointing to /etc/hostname',
      pathToFileURL(link).href,
    ),
    e(
      'remote-host',
      ['evil.example', 'host'],
      'file://evil.example/share/x.png',
      'file://evil.example/share/x.png',
    ),
  ];
}

export function httpCases(m: Materials): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const f of [...m.media, ...m.bombs, ...m.odd, ...m.hostile]) {
    const group = fileGroup(m, f);
    const still = 'still' in f ? f.still : /\.(png|jpe?g|webp|gif)$/i.test(f.path);
    const part = still ? 'image_url' : 'video_url';
    const url = f.path.startsWith('/dev/') ? `file://${f.path}` : pathToFileURL(f.path).href;
    cases.push(
      post(
        f.id,
        group,
        f.input,
        [...f.names, ...f.names.map(encodeURIComponent)],
        chatWith(url, part),
        { mayAnswer: f.mayAnswer, problems: f.problems },
      ),
    );
  }
  for (const f of m.media.filter((f) => f.still)) {
    const mime = f.format === 'jpeg' ? 'image/jpeg' : `image/${f.format}`;
    const url = `data:${mime};base64,${readFileSync(f.path).toString('base64')}`;
    cases.push(
      post(
        `data-${f.id}`,
        'media',
        `${f.input}, as a data: URL`,
        ['image_url', 'data', 'image'],
        chatWith(url, 'image_url'),
        { mayAnswer: f.mayAnswer, problems: f.problems },
      ),
    );
  }
  return [...cases, ...escapeCases(m), ...bodyCases(m)];
}
