// Asking about a video as a language-model tool, next to the screenshot tool, so agent
// mode can ask what happens in a recording. Registered only when the running VS Code has
// vscode.lm.registerTool; the ask goes through Ask About Video, so the Answers view shows it.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import type { VlmContext } from '../context';
import { VIDEO_TOOL_NAME } from '../manifest/contributes';
import { askAboutVideo } from '../commands/ask';
import { VIDEO_EXTENSIONS } from '../commands/ids';
import { answerAsMarkdown } from '../answers/history';
import { formatTimestamp } from '../format';
import { validateAskVideoInput, type AskVideoToolInput } from './video-input';

export function registerVideoTool(ctx: VlmContext): vscode.Disposable | undefined {
  const lm = (vscode as { lm?: typeof vscode.lm }).lm;
  if (!lm || typeof lm.registerTool !== 'function') {
    ctx.output.info(
      'this VS Code has no language-model tool API; the video tool is not registered',
    );
    return undefined;
  }
  ctx.output.info(`language-model tool ${VIDEO_TOOL_NAME} registered`);
  return lm.registerTool<AskVideoToolInput>(VIDEO_TOOL_NAME, {
    prepareInvocation: (options) => ({
      invocationMessage: `Asking about ${options.input.path}`,
    }),
    invoke: async (options) => {
      const { path, question } = validateAskVideoInput(options.input, VIDEO_EXTENSIONS, existsSync);
      const entry = await askAboutVideo(ctx, vscode.Uri.file(path), question);
      if (!entry) throw new Error(`the video ${path} could not be opened (see the VLM output)`);
      if (entry.state !== 'done')
        throw new Error(`the question failed: ${entry.error ?? entry.state}`);
      return new vscode.LanguageModelToolResult([
        new vscode.LanguageModelTextPart(answerAsMarkdown(entry, (s) => formatTimestamp(s * 1000))),
      ]);
    },
  });
}
