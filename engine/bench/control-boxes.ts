// Control-box accuracy against boxes labelled by eye (test/fixtures/screens/controls.tsv):
// for each labelled control, the analysed element whose box overlaps it most, its IoU and
// whether its role is the labelled one. Shared by the `vlm bench` scenario and the tests.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iou } from '../screen/controls/pixels';
import type { UiElement } from '../screen/types';
import type { Box } from '../ocr/types';
import { fixturePath, sharedFixturesDir } from './support/fixtures';

/** `fresh` and `freshN` (N a round number): new held-out groups, one per round. */
export type Split = 'tune' | 'held-out' | `fresh${string}`;
const SPLIT = /^(tune|held-out|fresh\d*)$/;

/** The fresh groups present in `controls`, in the order they first appear. */
export function freshSplits(controls: LabelledControl[]): Split[] {
  return [...new Set(controls.map((c) => c.split).filter((s) => s.startsWith('fresh')))];
}

export interface LabelledControl {
  file: string;
  /** tune: used while building the detector; held-out: never looked at while tuning; fresh,
   * fresh6, fresh7...: new held-out groups (the fifth round, the sixth, ...) labelled before
   * the detector was run on them, scored once and then moved to tune. */
  split: Split;
  role: string;
  box: Box;
  label: string;
}

export interface ControlScore {
  control: LabelledControl;
  iou: number;
  /** The role of the best-overlapping element, or 'none'. */
  role: string;
  box?: Box;
}

export const controlsTsv = () => fixturePath('screens', 'controls.tsv');
const fixtureDirs = () => [
  fixturePath('screens'),
  // Screenshots used only to score controls (not in the OCR corpus).
  fixturePath('screens-controls'),
  fixturePath('screens-held-out'),
  fixturePath('screens-tuning'),
  sharedFixturesDir(),
];
/** Buttons and the controls you type or pick into: the ones the targets are set on. */
export const TARGET_ROLES = new Set(['button', 'field', 'dropdown']);

export function readLabelledControls(path = controlsTsv()): LabelledControl[] {
  const rows = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'));
  const columns = rows[0].split('\t');
  return rows.slice(1).map((row, n) => {
    const cells = row.split('\t');
    const cell = (name: string) => cells[columns.indexOf(name)] ?? '';
    const [x, y, w, h] = ['x', 'y', 'w', 'h'].map((k) => Number(cell(k)));
    if (![x, y, w, h].every(Number.isFinite) || w <= 0 || h <= 0)
      throw new Error(`${path}: row ${n + 2} has no valid box (x, y, w, h)`);
    const split = cell('split') as Split;
    if (!SPLIT.test(split))
      throw new Error(
        `${path}: row ${n + 2}: split must be tune, held-out, fresh or freshN, got '${split}'`,
      );
    return {
      file: cell('file'),
      split,
      role: cell('role'),
      box: { x, y, w, h },
      label: cell('label'),
    };
  });
}

/** Where a labelled screenshot is: this repository's fixtures (screens, then the OCR corpus's
 * held-out and tuning folders), then the shared ones. */
export function findScreenshot(file: string): string | undefined {
  return fixtureDirs()
    .map((dir) => join(dir, file))
    .find((p) => existsSync(p));
}

export function scoreControl(control: LabelledControl, elements: UiElement[]): ControlScore {
  let best: ControlScore = { control, iou: 0, role: 'none' };
  for (const e of elements) {
    if (e.role === 'panel') continue;
    const overlap = iou(control.box, e.box);
    if (overlap > best.iou) best = { control, iou: overlap, role: e.role, box: e.box };
  }
  return best;
}

export interface ControlFigures {
  count: number;
  /** Share with IoU >= 0.5. */
  boxHits: number;
  /** Share whose best-overlapping element has the labelled role. */
  roleHits: number;
  meanIou: number;
}

export function figuresOf(scores: ControlScore[]): ControlFigures {
  const n = scores.length;
  const share = (ok: (s: ControlScore) => boolean) => (n ? scores.filter(ok).length / n : 0);
  return {
    count: n,
    boxHits: share((s) => s.iou >= 0.5),
    roleHits: share((s) => s.role === s.control.role),
    meanIou: n ? scores.reduce((a, s) => a + s.iou, 0) / n : 0,
  };
}

export function formatScore(s: ControlScore): string {
  const b = s.box ? `${s.box.x},${s.box.y} ${s.box.w}x${s.box.h}` : '-';
  const ok = s.iou >= 0.5 && s.role === s.control.role ? 'ok ' : 'MISS';
  return `${ok} ${s.control.split.padEnd(8)} ${s.control.file.slice(0, 28).padEnd(28)} ${s.control.role.padEnd(9)} -> ${s.role.padEnd(9)} IoU ${s.iou.toFixed(2)} ${b.padEnd(20)} ${s.control.label}`;
}

/** Roles of the small marks left of a label. */
export const MARK_ROLES = new Set(['checkbox', 'radio', 'toggle']);

/**
 * Marks the analysis claims (checkboxes, radio buttons, toggles) and how many of them are
 * one: the labelled control it overlaps most (IoU >= 0.3) has a mark role. Scored only on
 * screenshots whose visible controls were all labelled (the rounds from the sixth on), so
 * a claimed mark nothing was labelled under is a false one (an icon beside a menu label,
 * a logo beside a title): the figure the recall scores above cannot show.
 */
export function markPrecision(
  labelled: LabelledControl[],
  elements: UiElement[],
): { claimed: number; confirmed: number } {
  const claimed = elements.filter((e) => MARK_ROLES.has(e.role));
  const confirmed = claimed.filter((e) => {
    let best: LabelledControl | undefined;
    let bestIou = 0.3;
    for (const c of labelled) {
      const overlap = iou(c.box, e.box);
      if (overlap >= bestIou) [best, bestIou] = [c, overlap];
    }
    return best !== undefined && MARK_ROLES.has(best.role);
  });
  return { claimed: claimed.length, confirmed: confirmed.length };
}

/** The fresh groups labelled in full, from the sixth round on. */
export const fullyLabelled = (split: Split) => /^fresh([6-9]|\d\d)$/.test(split);
