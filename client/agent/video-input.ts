// The vlm_ask_video tool's input, checked before anything runs: an absolute path to an
// existing video file and a question. No vscode import, so the checks are unit-tested.
import { extname, isAbsolute } from 'node:path';

export interface AskVideoToolInput {
  path: string;
  question: string;
}

const MAX_QUESTION = 2000;

/** Returns the input typed, or throws an error naming the field and the problem. */
export function validateAskVideoInput(
  input: unknown,
  videoExtensions: readonly string[],
  exists: (path: string) => boolean,
): AskVideoToolInput {
  const v = (input ?? {}) as { path?: unknown; question?: unknown };
  if (typeof v.path !== 'string' || v.path.trim() === '')
    throw new Error(`path must be an absolute file path, got ${JSON.stringify(v.path)}`);
  if (!isAbsolute(v.path))
    throw new Error(`path must be an absolute file path, got the relative path '${v.path}'`);
  const ext = extname(v.path).slice(1).toLowerCase();
  if (!videoExtensions.includes(ext))
    throw new Error(
      `path '${v.path}' is not a video (${videoExtensions.join(', ')}); for a screenshot use vlm_analyze_screenshot`,
    );
  if (!exists(v.path)) throw new Error(`path: no file at ${v.path}`);
  if (typeof v.question !== 'string' || v.question.trim() === '')
    throw new Error(`question must be a non-empty string, got ${JSON.stringify(v.question)}`);
  if (v.question.length > MAX_QUESTION)
    throw new Error(`question has ${v.question.length} characters; at most ${MAX_QUESTION}`);
  return { path: v.path, question: v.question.trim() };
}
