// Model output and on-screen text go to a terminal: control characters (an ESC starts a
// terminal escape sequence) are shown as U+FFFD instead of being interpreted.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** The text with C0/C1 control characters other than newline and tab replaced by U+FFFD. */
export function printable(text: string): string {
  return text.replace(CONTROL, '\uFFFD');
}
