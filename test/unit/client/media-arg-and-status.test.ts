// The pure parts of the editor shortcuts: what a command's file argument is (code lenses
// and hover links send URI strings), what an answer's coverage says, and what the status
// bar says for each engine state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mediaArgument } from '../../../client/commands/media-arg';
import { clockTime, coverageText } from '../../../client/commands/coverage';
import { encodingText, statusBarView } from '../../../client/status/text';
import {
  COMMANDS,
  IMAGE_EXTENSIONS,
  VIDEO_EXTENSIONS,
  extensionWhen,
} from '../../../client/commands/ids';
import { contributes } from '../../../client/manifest/contributes';
import type { EngineStatus } from '../../../protocol/protocol';

test('a file argument: URI strings, paths and JSON Uris are files; nothing means ask', () => {
  assert.deepEqual(mediaArgument(undefined), { kind: 'none' });
  assert.deepEqual(mediaArgument(null), { kind: 'none' });
  assert.deepEqual(mediaArgument('file:///work/a%20b.mp4'), {
    kind: 'uri',
    uri: 'file:///work/a%20b.mp4',
  });
  assert.deepEqual(mediaArgument('vscode-remote://ssh/x.png'), {
    kind: 'uri',
    uri: 'vscode-remote://ssh/x.png',
  });
  assert.deepEqual(mediaArgument('/work/clip.mp4'), { kind: 'path', path: '/work/clip.mp4' });
  assert.deepEqual(mediaArgument('C:\\clips\\a.mp4'), { kind: 'path', path: 'C:\\clips\\a.mp4' });
  assert.deepEqual(mediaArgument({ $mid: 1, scheme: 'file', path: '/w/a.png' }), {
    kind: 'components',
    scheme: 'file',
    authority: '',
    path: '/w/a.png',
  });
});

test('a bad file argument is an error that names the value and the problem', () => {
  assert.throws(() => mediaArgument(''), /file argument is empty/);
  assert.throws(
    () => mediaArgument('clips/a.mp4'),
    /"clips\/a\.mp4" is neither a URI nor an absolute path/,
  );
  assert.throws(() => mediaArgument(42), /the file argument number 42 is not a file/);
  assert.throws(() => mediaArgument({ path: '/a.mp4' }), /an object is not a file/);
  assert.throws(() => mediaArgument(['file:///a.mp4']), /an array is not a file/);
});

test("an answer's coverage: the live span, a partial file, nothing for a whole file", () => {
  assert.equal(clockTime(42.7), '0:42');
  assert.equal(clockTime(3725), '1:02:05');
  assert.equal(
    coverageText({ fromSec: 0, toSec: 42.2, complete: false, live: true }, 'Screen :0.0'),
    'from 0:00–0:42 of the live source',
  );
  assert.equal(
    coverageText({ fromSec: 0, toSec: 4.5, complete: false, live: false }, 'lazygit.mp4'),
    'from 0:00–0:04 of lazygit.mp4 (encoded so far)',
  );
  assert.equal(
    coverageText({ fromSec: 0, toSec: 11.3, complete: true, live: false }, 'x.mp4'),
    undefined,
  );
  assert.equal(coverageText(undefined, 'image.png'), undefined);
});

const status = (state: EngineStatus['state'], extra: Partial<EngineStatus> = {}): EngineStatus => ({
  state,
  message: state,
  activeJobs: 0,
  queuedJobs: 0,
  openStreams: 1,
  memoryBytes: 0,
  capabilities: [],
  ...extra,
});

test('the status bar says what the server does: encoding N%, reading screen text, answering', () => {
  const one = [{ streamId: 's1', label: 'lazygit.mp4', percentage: 40.6 }];
  const encoding = statusBarView('running', status('encoding', { encoding: one }));
  assert.equal(encoding.text, '$(sync~spin) VLM: encoding 40%');
  assert.match(encoding.tooltip, /Encoding lazygit\.mp4: 40%/);
  assert.equal(
    statusBarView('running', status('readingText')).text,
    '$(search) VLM: reading screen text',
  );
  assert.equal(
    statusBarView('running', status('answering', { encoding: one })).text,
    '$(comment-discussion) VLM: answering',
  );
  assert.equal(
    encodingText(status('encoding', { encoding: [...one, { streamId: 's2', label: 'b' }] })),
    'encoding 2 streams',
  );
  assert.equal(encodingText(status('encoding')), 'encoding');
  assert.equal(statusBarView('running', status('idle')).text, '$(eye) VLM: idle');
});

test('explorer menus: video and image entries with when clauses from the engine extensions', () => {
  type Item = { command: string; when: string };
  const menus = contributes().menus as Record<string, Item[]>;
  const menu = menus['explorer/context'];
  const video = extensionWhen(VIDEO_EXTENSIONS);
  const image = extensionWhen(IMAGE_EXTENSIONS);
  const entry = (id: string) => menu.find((m) => m.command === id)!;
  for (const c of [COMMANDS.askAboutVideo, COMMANDS.findTextInVideo])
    assert.match(entry(c.id).when, new RegExp(escape(video)));
  for (const c of [COMMANDS.askAboutImage, COMMANDS.analyzeScreenshot])
    assert.match(entry(c.id).when, new RegExp(escape(image)));
  const clause = new RegExp(video.match(/\/(.*)\/i/)![1], 'i');
  for (const ext of ['.mp4', '.MOV', '.webm', '.mkv']) assert.match(ext, clause, ext);
  for (const ext of VIDEO_EXTENSIONS) assert.match(`.${ext}`, clause, ext);
  assert.doesNotMatch('.png', clause);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
