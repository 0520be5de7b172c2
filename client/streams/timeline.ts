// The timeline of the stream reading a file, for the video view's event marks. Only a
// stream already open is asked: opening one would encode the whole file unasked.
import type * as vscode from 'vscode';
import { TimelineRequest, type TimelineMoment } from '../../protocol/protocol';
import type { VlmContext } from '../context';

/** The moments of the open stream reading `uri`; undefined when none is open or it failed. */
export async function timelineOf(
  ctx: VlmContext,
  uri: vscode.Uri,
): Promise<readonly TimelineMoment[] | undefined> {
  const stream = ctx.streams.forFile(uri.toString());
  if (!stream || stream.state === 'opening') return undefined;
  try {
    const connection = await ctx.connection.ready();
    const { moments } = await connection.sendRequest(TimelineRequest, {
      streamId: stream.streamId,
    });
    return moments;
  } catch (error) {
    // No screen text on this stream, or it closed meanwhile: the view shows evidence only.
    ctx.output.info(`timeline of ${stream.label}: ${(error as Error).message}`);
    return undefined;
  }
}
