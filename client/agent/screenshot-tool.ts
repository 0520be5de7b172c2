// Screenshot analysis as a language-model tool, so chat agents in VS Code can read a
// screenshot: text elements with boxes, or where a named element is. Registered only when
// the running VS Code has vscode.lm.registerTool.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { VlmContext } from '../context';
import { SCREENSHOT_TOOL_NAME } from '../manifest/contributes';
import { screenshotReport } from '../screenshot/report';
import { analyzeImage } from '../commands/screenshot';
import { errorText } from '../commands/errors';

interface ScreenshotToolInput {
  path: string;
  query?: string;
  /** A screenshot session: the next screenshot in it re-reads only what changed. */
  session?: string;
}

export function registerScreenshotTool(ctx: VlmContext): vscode.Disposable | undefined {
  const lm = (vscode as { lm?: typeof vscode.lm }).lm;
  if (!lm || typeof lm.registerTool !== 'function') {
    ctx.output.info(
      'this VS Code has no language-model tool API; the screenshot tool is not registered',
    );
    return undefined;
  }
  ctx.output.info(`language-model tool ${SCREENSHOT_TOOL_NAME} registered`);
  return lm.registerTool<ScreenshotToolInput>(SCREENSHOT_TOOL_NAME, {
    prepareInvocation: (options) => ({
      invocationMessage: `Analyzing screenshot ${options.input.path}`,
    }),
    invoke: async (options, token) => {
      const { path, query, session } = options.input;
      if (typeof path !== 'string' || !isAbsolute(path))
        throw new Error(`path must be an absolute file path, got ${JSON.stringify(path)}`);
      if (!existsSync(path)) throw new Error(`no file at ${path}`);
      try {
        const analysis = await analyzeImage(
          ctx,
          { uri: vscode.Uri.file(path).toString() },
          query,
          token,
          session,
        );
        return new vscode.LanguageModelToolResult([
          new vscode.LanguageModelTextPart(screenshotReport(path, analysis, query)),
        ]);
      } catch (error) {
        throw new Error(`screenshot analysis failed: ${errorText(error)}`);
      }
    },
  });
}
