// What the user reads when a request fails: one short, complete sentence for the toast,
// with file names instead of paths and no protocol codes. The full error, code and stack
// included, goes to the VLM log (show-error.ts). Pure, so the toast text is unit-tested
// against the server's real error shapes.
import { VlmErrorCodes } from '../../protocol/protocol';

/** Past this length a toast is cut at a word boundary; "Show details" has the rest. */
export const TOAST_MAX_CHARS = 220;

export function isCancellation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === VlmErrorCodes.RequestCancelled;
}

/**
 * The server's message without what only the log needs: wrapper prefixes the language
 * client adds, code names and numbers, and directories of absolute paths (the file name
 * stays). Used for the toast and for the answers view's failure line.
 */
export function errorText(error: unknown): string {
  const raw =
    error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)
      ? String((error as { message: unknown }).message)
      : String(error);
  return plainWords(raw);
}

/** "Can't open empty.mp4: the file is empty", cut at a word if long. */
export function toastText(headline: string, error: unknown): string {
  let reason = errorText(error);
  // The server's message often starts with the file the headline already names.
  const named = /^([^\s:]+\.[A-Za-z0-9]{1,5}):\s+/.exec(reason);
  if (named && headline.includes(named[1])) reason = reason.slice(named[0].length);
  reason = rephrase(reason);
  if (!reason) return headline;
  // The headline (with the file name) always stays whole; only the reason is shortened.
  const room = Math.max(40, TOAST_MAX_CHARS - headline.length - 2);
  return `${headline}: ${shorten(reason, room)}`;
}

function plainWords(text: string): string {
  const codeNames = Object.keys(VlmErrorCodes).join('|');
  return (
    text
      // vscode-jsonrpc's wrapper around an unhandled server error.
      .replace(/^Request \S+ failed with message:\s*/, '')
      .replace(/^(?:Error|ResponseError):\s*/, '')
      // Internal codes: "(ShuttingDown)", "[MediaUnreadable 4009]", "VLM_E_…", "code -32603".
      .replace(new RegExp(`\\s*[([](?:${codeNames})(?:\\s+-?\\d+)?[)\\]]`, 'g'), '')
      .replace(/\s*[([]?\b(?:error )?code:? ?-?\d+\b[)\]]?/gi, '')
      .replace(/\s*\bVLM_E[A-Z0-9_]*\b:?/g, '')
      // file:///a/b/c.mp4 and /a/b/c.mp4 (or C:\a\c.mp4) become c.mp4.
      .replace(/file:\/\/\/?(?:[^\s'"`:]*\/)?([^\s/'"`:]+)/g, '$1')
      .replace(/(?:[A-Za-z]:)?(?:[\\/][^\s\\/'"`:]+)+[\\/]([^\s\\/'"`:]+)/g, '$1')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** A few engine phrasings that read better in a sentence of their own. */
const REPHRASE: [RegExp, string][] = [
  [/^file is empty \(0 bytes\)$/, 'the file is empty'],
  [/^image is empty \(0 bytes\)$/, 'the image is empty'],
  [/^request cancelled$/, 'cancelled'],
];

function rephrase(reason: string): string {
  for (const [pattern, replacement] of REPHRASE) {
    if (pattern.test(reason)) return reason.replace(pattern, replacement);
  }
  return reason;
}

function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  // Never mid-word: back up to the last space.
  return `${(space > 0 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
}
