// `vlm mcp`: the MCP server over stdio, for agents outside the editor.
import { parseArgs } from 'node:util';
import { serveMcpOverStdio } from '../../mcp/server';
import { ExitCode, UsageError, type Command } from '../command';

export const mcpCommand: Command = {
  name: 'mcp',
  summary: 'Run the MCP server on stdio (tools: analyze_screenshot, find_text_in_video, ask_video)',
  usage: `Usage: vlm mcp [--threads N]

Serves the Model Context Protocol on stdin/stdout until the client disconnects. Register
it with an MCP client as the command \`npx vlm mcp\`. Tools:
  analyze_screenshot   text on a screenshot with boxes; a query locates an element
  find_text_in_video   when a text first appears in a video
  ask_video            a question about a video, answered by the streaming engine

Options:
  --threads N   CPU threads for the OCR sessions (default: all cores)
`,
  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({ args, options: { threads: { type: 'string' } }, strict: true }));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const threads = values.threads === undefined ? undefined : Number(values.threads);
    if (threads !== undefined && !(Number.isInteger(threads) && threads > 0))
      throw new UsageError(`--threads must be a positive integer, got '${values.threads}'`);
    await serveMcpOverStdio({ ocr: { threads } });
    return ExitCode.ok;
  },
};
