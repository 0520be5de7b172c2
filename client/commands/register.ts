// Registers a handler for every command in COMMANDS.
import * as vscode from 'vscode';
import type { VlmContext } from '../context';
import { COMMANDS } from './ids';
import { askAboutImage, askAboutVideo, openLiveSource, pickMedia } from './ask';
import { downloadModelCommand, listInstalledModelsCommand, selectModel } from './models';
import { analyzeScreenshot, pasteScreenshot } from './screenshot';
import { closeStream, findTextInVideo, selectStream } from './streams';
import { showVideoAtArgs } from '../video-view/provider';

type Handler = (...args: unknown[]) => unknown;

// Explorer menus call a command with (uri, selectedUris); tests and other extensions may
// pass (uri, question). Only a string counts as a question.
/** A command's file argument: a Uri from menus, or a URI string from the server's code lenses and hover links. */
const asUri = (value: unknown) =>
  value instanceof vscode.Uri
    ? value
    : typeof value === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(value)
      ? vscode.Uri.parse(value, true)
      : undefined;
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
      const args = showVideoAtArgs(uri, timeSec) ?? showVideoAtArgs(await pickMedia('video'), 0);
      if (args) await ctx.videoView.showAt(args.uri, args.timeSec);
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
        .catch((e: Error) =>
          vscode.window.showErrorMessage(`VLM: the server did not start: ${e.message}`),
        ),
    showOutput: () => ctx.output.show(),
  };
  return (Object.keys(COMMANDS) as (keyof typeof COMMANDS)[]).map((name) =>
    vscode.commands.registerCommand(COMMANDS[name].id, async (...args: unknown[]) => {
      try {
        return await handlers[name](...args);
      } catch (error) {
        void vscode.window.showErrorMessage(`VLM: ${(error as Error).message}`);
        return undefined;
      }
    }),
  );
}
