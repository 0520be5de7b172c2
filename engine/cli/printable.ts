// Model output and on-screen text go to a terminal: control characters (an ESC starts a
// terminal escape sequence) are shown as U+FFFD instead of being interpreted.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** The text with C0/C1 control characters other than newline and tab replaced by U+FFFD. */
export function printable(text: string): string {
  return text.replace(CONTROL, '\uFFFD');
}

// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * A file name as it goes into a one-line message: unchanged when it is plain, else quoted
 * with its control characters escaped ("line\nbreak.png"), so a newline in the name does
 * not split the message and a terminal escape is not obeyed.
 */
export function printableName(name: string): string {
  return ANY_CONTROL.test(name) ? JSON.stringify(name) : name;
}

/** An error's message with the file it names (an IngestError's source) made printable. */
export function printableError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const source = (error as { source?: unknown }).source;
  if (typeof source === 'string' && error.message.startsWith(`${source}: `)) {
    return `${printableName(source)}${error.message.slice(source.length)}`;
  }
  return error.message;
}
