// Groups recognized texts into blocks (panels or columns of nearby lines) and lines, and
// numbers everything in reading order: blocks top to bottom then left to right, lines top
// to bottom inside a block, elements left to right inside a line.
import type { Box, TextBlock, TextElement, TextLine } from './types';

export interface LayoutInput {
  text: string;
  box: Box;
  confidence: number;
}

export interface Layout {
  elements: TextElement[];
  lines: TextLine[];
  blocks: TextBlock[];
}

const centerY = (b: Box) => b.y + b.h / 2;

export function unionBox(boxes: Box[]): Box {
  const x0 = Math.min(...boxes.map((b) => b.x));
  const y0 = Math.min(...boxes.map((b) => b.y));
  const x1 = Math.max(...boxes.map((b) => b.x + b.w));
  const y1 = Math.max(...boxes.map((b) => b.y + b.h));
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** Same line: vertical centres closer than half the smaller height. */
function sameLine(a: Box, b: Box): boolean {
  return Math.abs(centerY(a) - centerY(b)) < Math.min(a.h, b.h) / 2;
}

/**
 * Same block: the gap between the boxes is small next to the text height; horizontally up
 * to about two characters' width on a line, vertically up to two text heights
 * (boxes hug the ink, so ordinary line spacing shows up as a gap).
 */
function sameBlock(a: Box, b: Box): boolean {
  const h = Math.min(a.h, b.h);
  if (Math.max(a.h, b.h) > 2 * h) return false; // a heading and body text, or an icon
  const gapX = Math.max(0, Math.max(a.x, b.x) - Math.min(a.x + a.w, b.x + b.w));
  const gapY = Math.max(0, Math.max(a.y, b.y) - Math.min(a.y + a.h, b.y + b.h));
  if (sameLine(a, b)) return gapX < 1.5 * h;
  const overlapX = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  return gapY < 2 * h && (overlapX > 0 || Math.abs(a.x - b.x) < 2 * h);
}

function groupBy(count: number, related: (i: number, j: number) => boolean): number[][] {
  const parent = Array.from({ length: count }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (let i = 0; i < count; i++)
    for (let j = i + 1; j < count; j++) if (related(i, j)) parent[find(j)] = find(i);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), i]);
  }
  return [...groups.values()];
}

/** Top to bottom; boxes whose tops are within half a text height count as one row, left to right. */
function readingCompare(a: Box, b: Box): number {
  const tolerance = Math.min(a.h, b.h) / 2;
  if (Math.abs(a.y - b.y) > tolerance) return a.y - b.y;
  return a.x - b.x;
}

function linesOf(indices: number[], boxes: Box[]): number[][] {
  const sorted = [...indices].sort((i, j) => centerY(boxes[i]) - centerY(boxes[j]));
  const lines: number[][] = [];
  for (const i of sorted) {
    const line = lines.find((l) => l.some((j) => sameLine(boxes[i], boxes[j])));
    if (line) line.push(i);
    else lines.push([i]);
  }
  for (const line of lines) line.sort((i, j) => boxes[i].x - boxes[j].x);
  return lines.sort((l, m) => centerY(boxes[l[0]]) - centerY(boxes[m[0]]));
}

export function buildLayout(texts: LayoutInput[]): Layout {
  const boxes = texts.map((t) => t.box);
  const blockGroups = groupBy(texts.length, (i, j) => sameBlock(boxes[i], boxes[j]))
    .map((members) => ({ members, box: unionBox(members.map((i) => boxes[i])) }))
    .sort((a, b) => readingCompare(a.box, b.box));
  const elements: TextElement[] = [];
  const lines: TextLine[] = [];
  const blocks: TextBlock[] = [];
  for (const group of blockGroups) {
    const block: TextBlock = { id: blocks.length, box: group.box, lines: [] };
    blocks.push(block);
    for (const members of linesOf(group.members, boxes)) {
      const line: TextLine = {
        id: lines.length,
        block: block.id,
        box: unionBox(members.map((i) => boxes[i])),
        text: members.map((i) => texts[i].text).join(' '),
        elements: [],
      };
      lines.push(line);
      block.lines.push(line.id);
      for (const i of members) {
        line.elements.push(elements.length);
        elements.push({
          text: texts[i].text,
          box: texts[i].box,
          confidence: texts[i].confidence,
          order: elements.length,
          line: line.id,
          block: block.id,
        });
      }
    }
  }
  return { elements, lines, blocks };
}

/** A block's lines joined with spaces, for searches that span a label and its value. */
/** The median height of the layout's text boxes (16 px for a screen without text). */
export function medianTextHeight(layout: Layout): number {
  const heights = layout.elements.map((e) => e.box.h).sort((a, b) => a - b);
  return heights.length ? heights[Math.floor(heights.length / 2)] : 16;
}

export function blockText(layout: Layout, block: TextBlock): string {
  return block.lines.map((id) => layout.lines[id].text).join(' ');
}
