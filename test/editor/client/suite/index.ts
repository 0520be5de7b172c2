// Runs inside the VS Code extension host (bundled by ../extension.test.ts, loaded by
// @vscode/test-electron as extensionTestsPath). It activates the extension, runs Ask About
// Video on the fixture with the reference model, and checks the answers view's history and
// the diagnostics panel's feed. Rejecting fails the run.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { VlmExtensionApi } from '../../../../client/extension';
import type { AnswerEntry } from '../../../../client/answers/history';

const EXTENSION_ID = 'vlm-stream.vlm-stream';

async function step(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
    console.log(`  ok - ${name}`);
  } catch (error) {
    console.error(`  not ok - ${name}`);
    throw error;
  }
}

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension<VlmExtensionApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed in the development host`);
  const api = await extension.activate();
  await api.ready;
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  const video = vscode.Uri.file(join(folder.uri.fsPath, 'lazygit-nuke-working-tree.mp4'));

  await step('the server starts and the status bar shows the engine', async () => {
    assert.equal(api.context.connection.state, 'running');
    assert.match(api.statusBar.text, /VLM: /);
  });

  let entry: AnswerEntry | undefined;
  await step('Ask About Video streams an answer with evidence into the answers view', async () => {
    entry = (await vscode.commands.executeCommand(
      'vlm.askAboutVideo',
      video,
      'What happens when D is pressed?',
    )) as AnswerEntry | undefined;
    assert.ok(entry, 'the command returned the answer entry');
    assert.equal(entry.state, 'done', entry.error);
    assert.ok(entry.text.length > 0, 'answer text');
    assert.ok(entry.evidence.length > 0, 'evidence');
    const history = api.context.history.forStream(entry.streamKey);
    assert.equal(history[0].id, entry.id, 'the answers view history has it first');
    assert.equal(
      api.context.answers.selectedStream,
      entry.streamKey,
      'the answers view shows that stream',
    );
    assert.equal(api.context.answers.showsReferenceBanner, true, 'reference-model banner');
  });

  await step(
    'the diagnostics panel opens and its feed holds the stream, its stats and the ask',
    async () => {
      await vscode.commands.executeCommand('vlm.showCacheDiagnostics');
      assert.ok(api.context.panel.isOpen);
      const deadline = Date.now() + 30_000;
      let types: string[] = [];
      while (Date.now() < deadline) {
        const replay = api.context.panel.feed.replay();
        types = replay.type === 'replay' ? replay.messages.map((m) => m.type) : [];
        if (types.includes('stats') && types.includes('ask') && types.includes('stream')) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      for (const wanted of ['budgets', 'engine', 'stream', 'stats', 'ask'])
        assert.ok(types.includes(wanted), `feed has ${wanted} (has ${types.join(', ')})`);
    },
  );
}
