// Recall of the "Verified:" strings in a fixture manifest: the share of strings a
// screenshot's OCR reads. Shared by the OCR benchmark and its tests.
import { readFileSync } from 'node:fs';

export interface ManifestEntry {
  file: string;
  kind: string;
  width: number;
  height: number;
  description: string;
}

export function readManifest(path: string): ManifestEntry[] {
  const [header, ...rows] = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim());
  const columns = header.split('\t');
  return rows.map((row) => {
    const cells = row.split('\t');
    const cell = (name: string) => cells[columns.indexOf(name)] ?? '';
    return {
      file: cell('file'),
      kind: cell('kind'),
      width: Number(cell('width')),
      height: Number(cell('height')),
      description: cell('description'),
    };
  });
}

/**
 * The quoted strings after "Verified" in a description. A quote opens after a space,
 * '(' or '/' and closes before a non-letter, so apostrophes inside words (user's) stay.
 */
export function verifiedStrings(description: string): string[] {
  const at = description.search(/Verified/);
  if (at < 0) return [];
  const text = description.slice(at);
  const found: string[] = [];
  const pattern = /(?<=^|[\s(/:,])(['"])(.+?)\1(?=$|[^\p{L}\p{N}])/gu;
  for (const match of text.matchAll(pattern)) found.push(match[2]);
  return found;
}

/** Case, whitespace, dash and quote variants that do not change what a string says. */
export function normalizeForRecall(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/→/g, '->') // terminal fonts draw '->' as an arrow ligature
    .replace(/[‐-―−]/g, '-')
    .replace(/[‘’`´]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/\s+/g, '');
}

/** A string counts as read when every part of it (split at an ellipsis) appears on one line. */
export function isRead(expected: string, lines: string[]): boolean {
  const parts = expected
    .split(/\.\.\.|…/)
    .map(normalizeForRecall)
    .filter((p) => p.length > 0);
  const normalized = lines.map(normalizeForRecall);
  return parts.every((part) => normalized.some((line) => line.includes(part)));
}

interface Positioned {
  text: string;
  box: { x: number; y: number; w: number; h: number };
}

/**
 * Texts of visual rows across the whole image (elements whose vertical centres are close,
 * left to right), so a title bar split into far-apart blocks still reads as one row.
 */
export function rowTexts(elements: Positioned[]): string[] {
  const centre = (e: Positioned) => e.box.y + e.box.h / 2;
  const rows: Positioned[][] = [];
  for (const e of [...elements].sort((a, b) => centre(a) - centre(b))) {
    const row = rows.find(
      (r) => Math.abs(centre(r[0]) - centre(e)) < Math.min(r[0].box.h, e.box.h) / 2,
    );
    if (row) row.push(e);
    else rows.push([e]);
  }
  return rows.map((r) =>
    r
      .sort((a, b) => a.box.x - b.box.x)
      .map((e) => e.text)
      .join(' '),
  );
}

export interface RecallResult {
  expected: number;
  read: number;
  missed: string[];
}

export function recallOf(expected: string[], lines: string[]): RecallResult {
  const missed = expected.filter((s) => !isRead(s, lines));
  return { expected: expected.length, read: expected.length - missed.length, missed };
}
