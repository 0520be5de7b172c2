// The MCP server for agents outside the editor (Claude Desktop, Cursor, other MCP
// clients), over stdio, on the official MCP TypeScript SDK. Tools:
//   analyze_screenshot  text on a screenshot with boxes; a query finds an element
//   find_text_in_video  when text first appears in a video (OCR text index)
//   ask_video           a question about a video, answered by the streaming VLM engine
//   video_timeline      what happens when: text tracks, typing, UI events, cuts
import { resolve } from 'node:path';
// The boundary rule bans paths containing "server/" (this repo's language server); these
// are the MCP SDK's own server modules.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { analyzeScreenshot, type AnalyzeOptions } from '../ocr/analyze';
import { drawSetOfMarks } from '../screen/set-of-marks';
import { OcrEngine, type OcrEngineOptions } from '../ocr/engine';
import {
  analyzeInSession,
  checkSessionName,
  ScreenSessions,
  type SessionAnalysis,
} from '../screen/session';
import { checkInputFile, EngineSession } from '../session';
import { ToolInputError, checkToolArguments } from './args';
import { askVideo, findTextInVideo, videoTimeline } from './ask-video';
import { LineStdioTransport } from './stdio-transport';
import { TOOLS } from './tools';

type Args = Record<string, unknown>;
/** A checked argument (checkToolArguments has checked type and bounds). */
const arg = <T>(args: Args, name: string) => args[name] as T | undefined;

export interface McpServerOptions {
  ocr?: OcrEngineOptions;
  /** The engine session the video tools use (default: one on the default cache). */
  session?: EngineSession;
}

const json = (value: unknown): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(value, null, 2) }],
});

const failure = (message: string): CallToolResult => ({
  isError: true,
  content: [{ type: 'text', text: message }],
});

const round = (v: number) => Math.round(v * 100) / 100;

export class VlmMcpServer {
  readonly server = new Server(
    { name: 'vlm-stream', version: '0.1.0' },
    { capabilities: { tools: {} } },
  );
  private engine: Promise<OcrEngine> | undefined;
  private readonly session: EngineSession;
  /** Named screenshot sessions (analyze_screenshot's `session`), per server process. */
  private readonly screenSessions = new ScreenSessions();

  constructor(private readonly options: McpServerOptions = {}) {
    this.session = options.session ?? new EngineSession();
    this.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: TOOLS }));
    this.server.setRequestHandler(CallToolRequestSchema, (request, extra) =>
      this.call(request.params.name, request.params.arguments ?? {}, extra.signal),
    );
  }

  async connect(transport: Transport): Promise<void> {
    await this.server.connect(transport);
  }

  private closing: Promise<void> | undefined;

  /** Closes the connection and releases the OCR sessions; safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.server.close();
      await this.session.dispose();
      const engine = await this.engine?.catch(() => undefined);
      await engine?.release();
    })();
    return this.closing;
  }

  private ocr(): Promise<OcrEngine> {
    this.engine ??= OcrEngine.create(this.options.ocr);
    return this.engine;
  }

  private async call(name: string, raw: unknown, signal: AbortSignal): Promise<CallToolResult> {
    try {
      const tool = TOOLS.find((t) => t.name === name);
      const args = tool ? checkToolArguments(tool, raw) : {};
      switch (name) {
        case 'analyze_screenshot':
          return await this.analyze(args, signal);
        case 'find_text_in_video':
          return await this.findText(args, signal);
        case 'ask_video':
          return await this.ask(args, signal);
        case 'video_timeline':
          return await this.timeline(args, signal);
        default:
          return failure(`unknown tool '${name}'; tools: ${TOOLS.map((t) => t.name).join(', ')}`);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return failure(`${name}: ${message}`);
    }
  }

  private async analyze(args: Args, signal: AbortSignal): Promise<CallToolResult> {
    const path = arg<string>(args, 'image_path');
    const base64 = arg<string>(args, 'image_base64');
    if (!path === !base64)
      throw new ToolInputError("give exactly one of 'image_path' or 'image_base64'");
    const name = arg<string>(args, 'session');
    // A bad name is refused before the image is decoded or a model loads.
    if (name !== undefined) checkSessionName(name);
    const image = path ? resolve(path) : decodeBase64Argument(base64!);
    const options: AnalyzeOptions = {
      query: arg<string>(args, 'query'),
      signal,
      engine: await this.ocr(),
    };
    const a = await (
      name === undefined
        ? analyzeScreenshot(image, options)
        : analyzeInSession(this.screenSessions, name, image, options)
    ).catch((error: unknown) => Promise.reject(namedBuffer(error)));
    const report = (a as Partial<SessionAnalysis>).session;
    const result = json({
      width: a.width,
      height: a.height,
      ...(report ? { session: { ...report, changedShare: round(report.changedShare) } } : {}),
      ...(a.query !== undefined ? { matches: a.matches } : {}),
      ui: a.ui,
      elements: a.elements.map((e) => ({ ...e, confidence: round(e.confidence) })),
      lines: a.lines.map((l) => ({ id: l.id, block: l.block, text: l.text, box: l.box })),
      timings: Object.fromEntries(Object.entries(a.timings).map(([k, v]) => [k, Math.round(v)])),
    });
    if (arg<boolean>(args, 'marks')) {
      // The set-of-marks picture: numbered boxes whose numbers are the ui ids above.
      const png = await drawSetOfMarks(image, a.ui);
      result.content.push({ type: 'image', data: png.toString('base64'), mimeType: 'image/png' });
    }
    return result;
  }

  private async ask(args: Args, signal: AbortSignal): Promise<CallToolResult> {
    const question = arg<string>(args, 'question')!;
    const maxTokens = arg<number>(args, 'max_tokens');
    const path = await existingFile(arg<string>(args, 'video_path')!);
    return json(await askVideo(this.session, path, question, { maxTokens, signal }));
  }

  private async timeline(args: Args, signal: AbortSignal): Promise<CallToolResult> {
    const path = await existingFile(arg<string>(args, 'video_path')!);
    const maxTracks = arg<number>(args, 'max_tracks') ?? 200;
    const timeline = await videoTimeline(this.session, path, { signal });
    return json({
      ...timeline,
      tracks: timeline.tracks.slice(0, maxTracks),
      tracksTotal: timeline.tracks.length,
    });
  }

  private async findText(args: Args, signal: AbortSignal): Promise<CallToolResult> {
    const query = arg<string>(args, 'query')!;
    const path = await existingFile(arg<string>(args, 'video_path')!);
    const found = await findTextInVideo(this.session, path, query, {
      limit: arg<number>(args, 'limit') ?? 10,
      signal,
    });
    return json({
      query,
      indexedFrames: found.indexedFrames,
      hits: found.hits.map((h) => ({
        ...h,
        timeSec: round(h.timeSec),
        lastSeenSec: round(h.lastSeenSec),
        firstSec: round(h.timeSec),
        lastSec: round(h.lastSeenSec),
        score: round(h.score),
      })),
    });
  }
}

/** The bytes of `image_base64` (a data URL's prefix dropped), or a ToolInputError naming it. */
function decodeBase64Argument(value: string): Buffer {
  const payload = value.replace(/^data:[^,]*,/, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload))
    throw new ToolInputError(
      `image_base64 (${value.length} characters) is not valid base64 (send the image file's bytes base64-encoded)`,
    );
  const bytes = Buffer.from(payload, 'base64');
  if (bytes.length === 0)
    throw new ToolInputError(
      `image_base64 (${value.length} characters) holds no image bytes once decoded`,
    );
  return bytes;
}

/** An image error about the decoded bytes names the argument they came from. */
function namedBuffer(error: unknown): unknown {
  if (error instanceof Error && /^image buffer \(\d+ bytes\)/.test(error.message))
    error.message = error.message.replace(/^image buffer/, 'image_base64');
  return error;
}

/** The real path of a file argument, checked as the session checks every input file. */
async function existingFile(path: string): Promise<string> {
  return checkInputFile(resolve(path));
}

/** Serves MCP on stdin/stdout until the client disconnects. */
export async function serveMcpOverStdio(options: McpServerOptions = {}): Promise<void> {
  const server = new VlmMcpServer(options);
  const transport = new LineStdioTransport();
  const closed = new Promise<void>((done) => (transport.onclose = done));
  await server.connect(transport);
  process.stdin.once('end', () => void server.close());
  await closed;
  await server.close();
}
