// Finds references to local image and video files in a document: Markdown links and
// images, HTML src attributes, and string literals in code, resolved against the document.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Range } from 'vscode-languageserver/node';
import { isMediaPath, MEDIA_EXTENSIONS } from '../../engine/media';
import { pathToUri, uriToPath } from '../uri';

export interface MediaLink {
  range: Range;
  /** The text as written in the document. */
  target: string;
  path: string;
  uri: string;
  exists: boolean;
}

/** Any of the media extensions (which kind a file is, its content decides). */
const MEDIA_EXT = String.raw`\.(?:${MEDIA_EXTENSIONS.map((e) => e.slice(1)).join('|')})`;
/** [text](target) and ![alt](target), with an optional <> around the target and a title. */
const MARKDOWN_LINK = new RegExp(
  String.raw`!?\[[^\]\n]*\]\(\s*<?([^)\s>]+${MEDIA_EXT})>?(?:\s+"[^"\n]*")?\s*\)`,
  'gi',
);
/** A quoted string that ends with a media extension. */
const STRING_LITERAL = new RegExp(String.raw`(["'\`])([^"'\`\n]{1,1000}?${MEDIA_EXT})\1`, 'gi');

export function findMediaLinks(text: string, documentUri: string): MediaLink[] {
  const baseDir = documentDir(documentUri);
  const links: MediaLink[] = [];
  const seen = new Set<number>();
  const lineStarts = lineOffsets(text);
  const add = (target: string, start: number) => {
    if (seen.has(start)) return;
    const path = resolveTarget(target, baseDir);
    if (!path || !isMediaPath(path)) return;
    seen.add(start);
    links.push({
      range: {
        start: position(lineStarts, start),
        end: position(lineStarts, start + target.length),
      },
      target,
      path,
      uri: pathToUri(path),
      exists: existsSync(path),
    });
  };
  for (const match of text.matchAll(MARKDOWN_LINK))
    add(match[1], match.index! + match[0].indexOf(match[1], 1));
  for (const match of text.matchAll(STRING_LITERAL)) add(match[2], match.index! + 1);
  return links.sort(
    (a, b) =>
      a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
}

function documentDir(documentUri: string): string | undefined {
  const path = uriToPath(documentUri);
  return path ? dirname(path) : undefined;
}

function resolveTarget(target: string, baseDir: string | undefined): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('file:')) return undefined;
  const decoded = safeDecode(target);
  const asPath = uriToPath(decoded);
  if (asPath) return asPath;
  if (isAbsolute(decoded)) return decoded;
  return baseDir ? resolve(baseDir, decoded) : undefined;
}

function safeDecode(text: string): string {
  try {
    return text.startsWith('file:') ? text : decodeURIComponent(text);
  } catch {
    return text;
  }
}

function lineOffsets(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function position(lineStarts: number[], offset: number) {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lineStarts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low, character: offset - lineStarts[low] };
}
