// Registers a handler for every command in COMMANDS.
import * as vscode from 'vscode';
import type { VlmContext } from '../context';
import { clearSecret, promptSecret } from '../connection/secrets';
import { COMMANDS } from './ids';
import { askAboutImage, askAboutVideo, openLiveSource, pickMedia } from './ask';
import { downloadModelCommand, listInstalledModelsCommand, selectModel } from './models';
import { analyzeScreenshot, pasteScreenshot } from './screenshot';
import { closeStream, findTextInVideo, selectStream } from './streams';
import { mediaArgument } from './media-arg';
import { showError } from './show-error';
import { seekSeconds } from '../video-view/provider';

type Handler = (...args: unknown[]) => unknown;

// Explorer menus call a command with (uri, selectedUris); tests and other extensions may
// pass (uri, question). Only a string counts as a question.
/**
 * A command's file argument as a Uri: a Uri from menus, a URI string from the server's
 * code lenses and hover links, a file path; undefined when none was given (then the command
 * asks). A value that is none of these throws, and the user sees which value was wrong.
 */
export const asUri = (value: unknown): vscode.Uri | undefined => {
  if (value instanceof vscode.Uri) return value;
  const arg = mediaArgument(value);
  switch (arg.kind) {
    case 'none':
      return undefined;
    case 'path':
      return vscode.Uri.file(arg.path);
    case 'components':
      return vscode.Uri.from(arg);
    case 'uri':
      try {
        return vscode.Uri.parse(arg.uri, true);
      } catch (error) {
        throw new Error(
          `the file argument "${arg.uri}" is not a valid URI: ${(error as Error).message}`,
        );
      }
  }
};
const asText = (value: unknown) => (typeof value === 'string' ? value : undefined);

export function registerCommands(ctx: VlmContext): vscode.Disposable[] {
  const handlers: Record<keyof typeof COMMANDS, Handler> = {
    askAboutVideo: (uri, question) => askAboutVideo(ctx, asUri(uri), asText(question)),
    askAboutImage: (uri, question) => askAboutImage(ctx, asUri(uri), asText(question)),
    openLiveSource: () => openLiveSource(ctx),
    analyzeScreenshot: (uri) => analyzeScreenshot(ctx, asUri(uri)),
    pasteScreenshot: () => pasteScreenshot(ctx),
    findTextInVideo: (uri) => findTextInVideo(ctx, asUri(uri)),
    showVideoAt: async (uri, timeSec) => {
      // The file argument is read like every other command's (asUri).
      const file = asUri(uri) ?? (await pickMedia('video'));
      if (file) await ctx.videoView.showAt(file, seekSeconds(timeSec));
    },
    showCacheDiagnostics: () => ctx.panel.show(),
    selectStream: () => selectStream(ctx),
    closeStream: () => closeStream(ctx),
    selectModel: () => selectModel(ctx),
    downloadModel: () => downloadModelCommand(ctx),
    listInstalledModels: () => listInstalledModelsCommand(ctx),
    restartServer: () =>
      ctx.connection
        .restart()
        .catch((e: unknown) => showError(ctx.output, "The server didn't start", e)),
    showOutput: () => ctx.output.show(),
    setServerToken: () => promptSecret(ctx.connection.secrets, 'serverToken'),
    clearServerToken: () => clearSecret(ctx.connection.secrets, 'serverToken'),
    setApiKey: () => promptSecret(ctx.connection.secrets, 'apiKey'),
    clearApiKey: () => clearSecret(ctx.connection.secrets, 'apiKey'),
  };
  return (Object.keys(COMMANDS) as (keyof typeof COMMANDS)[]).map((name) =>
    vscode.commands.registerCommand(COMMANDS[name].id, async (...args: unknown[]) => {
      try {
        return await handlers[name](...args);
      } catch (error) {
        void showError(ctx.output, `${COMMANDS[name].title.replace(/…$/, '')} failed`, error);
        return undefined;
      }
    }),
  );
}
