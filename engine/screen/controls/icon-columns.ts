// A column (or row) of icons beside labels is a menu, not a list of checkboxes. An icon can pass the
// mark tests on its own (a document outline has three full sides, a gear is a ring), but
// the checkboxes or radio buttons of one column are drawn from one template, most of them
// the same size to a pixel or two, while a menu's icons each have their own outline: their
// ink boxes differ (WPF UI's navigation icons 23x18, 21x23 and 20x16).
import type { Box } from '../../ocr/types';

/** Marks this close in centre x (in mark heights) stand in one column; in y, in one row. */
const SAME_LINE = 0.3;
/** Pixels by which the marks of one template may differ in width or height. */
const SAME_SIZE = 2;

/**
 * Indices of the marks in columns or rows where no one size is shared by more than half of
 * the marks (a header's navigation is a row). A template's marks can differ a little (Fyne's disabled checkbox is 4 px narrower,
 * a macOS checkbox's ink a pixel shorter), so the size most marks share is what counts.
 */
export function iconColumns(marks: Box[]): Set<number> {
  const icons = new Set<number>();
  const byX = lines(marks, (b) => b.x + b.w / 2);
  const byY = lines(marks, (b) => b.y + b.h / 2);
  for (const column of [...byX, ...byY]) {
    // One mark may be found for two labels of a line (each word is an element).
    const key = (b: Box) => `${b.x},${b.y},${b.w},${b.h}`;
    const boxes = [...new Map(column.map((i) => [key(marks[i]), marks[i]])).values()];
    const alike = (a: Box, b: Box) =>
      Math.abs(a.w - b.w) <= SAME_SIZE && Math.abs(a.h - b.h) <= SAME_SIZE;
    const shared = Math.max(...boxes.map((a) => boxes.filter((b) => alike(a, b)).length));
    if (boxes.length >= 2 && 2 * shared <= boxes.length) column.forEach((i) => icons.add(i));
  }
  return icons;
}

/** Groups of mark indices whose centres are near on one axis, compared with each group's first. */
function lines(marks: Box[], centre: (b: Box) => number): number[][] {
  const groups: number[][] = [];
  marks.forEach((mark, i) => {
    const group = groups.find((g) => {
      const first = marks[g[0]];
      return Math.abs(centre(first) - centre(mark)) <= SAME_LINE * Math.max(first.h, mark.h);
    });
    if (group) group.push(i);
    else groups.push([i]);
  });
  return groups;
}
