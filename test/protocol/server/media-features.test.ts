// Hover and code lens over media links: Markdown image/video links and string literals
// holding media paths, resolved against the document's folder.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  CodeLensRequest,
  DidOpenTextDocumentNotification,
  HoverRequest,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { VlmCommands } from '../../../protocol/protocol';
import { FIXTURES, SCREENS, startServer, type ServerUnderTest } from './harness';

const MARKDOWN_URI = pathToFileURL(`${FIXTURES}/notes.md`).href;
const MARKDOWN = [
  '# Bug report',
  '',
  'Screenshot: ![tree](../screens/vscode-package-explorer-tree.png)',
  'Recording: [the demo](./silent-film-street-scene.mp4)',
  'Remote: ![x](https://example.com/a.png) and missing ![m](missing.png)',
].join('\n');
const CODE_URI = pathToFileURL(`${FIXTURES}/check.ts`).href;
const CODE = `const shot = "${SCREENS}/windows-terminal-keybinding-edit-dialog.png";\nconst n = 'not media';\n`;

describe('hover and code lens over media links', () => {
  let server: ServerUnderTest;
  before(async () => {
    server = await startServer({ statsIntervalMs: 0 });
    for (const [uri, languageId, text] of [
      [MARKDOWN_URI, 'markdown', MARKDOWN],
      [CODE_URI, 'typescript', CODE],
    ]) {
      await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId, version: 1, text },
      });
    }
  });
  after(async () => {
    await server.stop();
  });

  it('offers a lens per existing local media link, with the right command and file URI', async () => {
    const lenses = await server.connection.sendRequest(CodeLensRequest.type, {
      textDocument: { uri: MARKDOWN_URI },
    });
    assert.deepEqual(
      lenses?.map((l) => [
        l.range.start.line,
        l.command?.title,
        l.command?.command,
        l.command?.arguments?.[0],
      ]),
      [
        [
          2,
          'Analyze screenshot',
          VlmCommands.analyzeScreenshot,
          pathToFileURL(`${SCREENS}/vscode-package-explorer-tree.png`).href,
        ],
        [
          3,
          'Ask about this video',
          VlmCommands.askAboutVideo,
          pathToFileURL(`${FIXTURES}/silent-film-street-scene.mp4`).href,
        ],
      ],
    );
    const codeLenses = await server.connection.sendRequest(CodeLensRequest.type, {
      textDocument: { uri: CODE_URI },
    });
    assert.equal(codeLenses?.length, 1);
    assert.equal(codeLenses?.[0].command?.command, VlmCommands.analyzeScreenshot);
  });

  it('hovers an image link with its size and a link to open it', async () => {
    const hover = await server.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: MARKDOWN_URI },
      position: { line: 2, character: 25 },
    });
    const text = (hover?.contents as MarkupContent).value;
    assert.match(text, /vscode-package-explorer-tree\.png/);
    assert.match(text, /1082×828/);
    assert.match(text, /On-screen text: .*PACKAGE EXPLORER/);
    assert.match(text, /\[Open .*\]\(file:\/\//);
    assert.match(text, /command:vlm\.analyzeScreenshot/);
  });

  it('hovers a video link and a string literal path', async () => {
    const video = await server.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: MARKDOWN_URI },
      position: { line: 3, character: 28 },
    });
    const videoText = (video?.contents as MarkupContent).value;
    assert.match(videoText, /video, 9\.6 s, 640×360/, videoText);
    assert.match(videoText, /command:vlm\.askAboutVideo/);
    const literal = await server.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: CODE_URI },
      position: { line: 0, character: 20 },
    });
    assert.match((literal?.contents as MarkupContent).value, /1130×821/);
  });

  it('says so when the linked file is missing, and ignores plain text', async () => {
    const missing = await server.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: MARKDOWN_URI },
      position: { line: 4, character: 58 },
    });
    assert.match((missing?.contents as MarkupContent).value, /File not found/);
    const none = await server.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: CODE_URI },
      position: { line: 1, character: 12 },
    });
    assert.equal(none, null);
  });
});
