// The one input check every entry point runs before any model work: the CLI, the MCP
// server, the language server and the HTTP endpoint call these on what a user sent, and
// the session calls them again, so no path into the engine skips them. Each throws an
// error whose message names the input and the problem.
import { checkDeclaredPixels, checkImagePixels } from '../ingest/image-header';
import { detectMediaKind, type MediaKind } from '../media';
import { checkInputFile, openInputFile, type InputFile } from '../media/input-file';
import { StreamLimitError } from '../stream';
import { SESSION_LIMITS } from './limits';

export { checkImagePixels, checkInputFile, openInputFile, type InputFile };

/** The question as given, or a StreamLimitError when it is empty or over the limit. */
export function checkQuestion(question: string, limit = SESSION_LIMITS.questionChars): string {
  if (typeof question !== 'string' || !question.trim())
    throw new StreamLimitError('the question is empty');
  if (question.length > limit)
    throw new StreamLimitError(
      `the question is ${question.length} characters long; the limit is ${limit}`,
    );
  return question;
}

/**
 * Every check a media file input gets before any model work: a non-empty regular file
 * (checkInputFile), still image or video from its content, and for an image the pixel
 * limit from its header; a GIF or AVI read as video gets the same limit from the size its
 * header declares (checkDeclaredPixels). Returns the real path and the kind.
 */
export async function checkMediaFile(path: string): Promise<{ realPath: string; kind: MediaKind }> {
  const realPath = await checkInputFile(path);
  const kind = await detectMediaKind(path);
  if (kind === 'image') await checkImagePixels(path);
  await checkDeclaredPixels(realPath, path);
  return { realPath, kind };
}
