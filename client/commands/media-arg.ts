// What a command's file argument is. Menus pass a vscode.Uri; code lenses and hover links
// from the server pass a URI string; other extensions and tests may pass a file path or a
// Uri that went through JSON. Pure (no vscode import), so it is unit-tested.

export type MediaArgument =
  /** No file given (the command palette): the command asks for one. */
  | { kind: 'none' }
  | { kind: 'uri'; uri: string }
  | { kind: 'path'; path: string }
  | { kind: 'components'; scheme: string; authority: string; path: string };

const URI_SCHEME = /^[a-z][a-z0-9+.-]+:/i;
const WINDOWS_PATH = /^[a-z]:[\\/]/i;

/**
 * Classifies a command's first argument; throws an error naming the value and what is
 * wrong with it, so a broken link says so instead of opening a file picker.
 */
export function mediaArgument(value: unknown): MediaArgument {
  if (value === undefined || value === null) return { kind: 'none' };
  if (typeof value === 'string') return fromString(value);
  if (typeof value === 'object' && isUriLike(value))
    return {
      kind: 'components',
      scheme: value.scheme,
      authority: typeof value.authority === 'string' ? value.authority : '',
      path: value.path,
    };
  throw new Error(
    `the file argument ${describe(value)} is not a file: pass a URI ("file:///…"), an absolute path, or a vscode.Uri`,
  );
}

function fromString(value: string): MediaArgument {
  const text = value.trim();
  if (text === '') throw new Error('the file argument is empty: pass the URI or path of a file');
  if (WINDOWS_PATH.test(text) || text.startsWith('/') || text.startsWith('\\\\'))
    return { kind: 'path', path: text };
  if (URI_SCHEME.test(text)) return { kind: 'uri', uri: text };
  throw new Error(
    `the file argument "${truncate(text)}" is neither a URI nor an absolute path (a relative path cannot be resolved here)`,
  );
}

function isUriLike(value: object): value is { scheme: string; path: string; authority?: unknown } {
  const v = value as { scheme?: unknown; path?: unknown };
  return typeof v.scheme === 'string' && v.scheme !== '' && typeof v.path === 'string';
}

function describe(value: unknown): string {
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `${typeof value} ${truncate(String(value))}`;
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
