// Control boxes and roles on real screenshots against boxes labelled by eye
// (test/fixtures/screens/controls.tsv), through the whole analysis (real OCR sessions):
// the figures for the tuning screenshots and the held-out ones are printed separately,
// with one line per labelled control. Screenshots that live only in the shared fixtures
// are skipped (and named) when those are not on this machine.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  figuresOf,
  findScreenshot,
  formatScore,
  readLabelledControls,
  scoreControl,
  TARGET_ROLES,
  type ControlScore,
  type Split,
  freshSplits,
  fullyLabelled,
  markPrecision,
} from '../../../engine/bench/control-boxes';
import { analyzeScreenshot } from '../../../engine/ocr/analyze';
import { OcrEngine } from '../../../engine/ocr/engine';
import type { ScreenAnalysis } from '../../../engine/ocr/types';

// The targets: IoU >= 0.5 and the right role for 85% of labelled buttons and fields.
const TARGET = 0.85;
// Held-out buttons and fields. Earlier held-out sets (posting in a browser, KeePassXC's
// passkey import, GitHub's passkeys; then mkdocs, posting's command palette and two VS Code
// views; then the fourth round's six screenshots from FlatLaf, Fyne, MonitorControl, Relm4
// and MarkText, scored as 'fresh' at 24/34 boxes and 16/34 roles) were scored and their
// misses looked at, so they joined the tuning set. The held-out set is 24 buttons, fields
// and dropdowns on four screenshots never used for controls (test/fixtures/screens-controls):
// three Windows Terminal Settings UI mock-ups (MIT; they replaced three GPL-licensed
// KeePassXC screenshots, which scored 23/34 boxes and 21/34 roles) and Posting's Scripts
// tab, labelled before the test was run on them. Scored once when they came: 21/24 boxes,
// 21/24 roles (all three misses on Posting's top bar); 24/24 and 24/24 since the fourth
// round's rules (a surface wider than its text, found for FlatLaf's combos, also finds
// Posting's method and URL bar). Two of the mock-ups are variants of tuning screenshots, so
// this is an easy set. The floors sit just under the measured figures, so one more miss
// fails the test.
const HELD_OUT_FLOOR = { boxHits: 0.97, roleHits: 0.97 };
// Tuning buttons and fields after the fifth round's two rules (padded buttons, tall marks),
// one miss below what the committed set reads (66: 65 boxes, 62 roles; a clean clone has
// only these). With the shared KeePassXC and GitHub screenshots, which are not committed,
// there are 75: 74 boxes, 71 roles.
const TUNING_FLOOR = { boxHits: 0.96, roleHits: 0.92 };

const SAVE_FILE = 'windows-terminal-keybinding-edit-dialog.png';
const labelled = readLabelledControls();
const files = [...new Set(labelled.map((c) => c.file))];
const present = files.filter((f) => findScreenshot(f));
let engine: OcrEngine;
const analyses = new Map<string, ScreenAnalysis>();

before(async () => {
  engine = await OcrEngine.create();
  for (const file of present) {
    // One query rides along: it must not change the elements, only add matches.
    const query = file === SAVE_FILE ? 'where is the Save button' : undefined;
    analyses.set(file, await analyzeScreenshot(findScreenshot(file)!, { engine, query }));
  }
  const missing = files.filter((f) => !present.includes(f));
  if (missing.length) console.log(`not on this machine, skipped: ${missing.join(', ')}`);
});
after(() => engine?.release());

function scores(split: Split): ControlScore[] {
  return labelled
    .filter((c) => c.split === split && analyses.has(c.file))
    .map((c) => scoreControl(c, analyses.get(c.file)!.ui));
}

function report(split: string, all: ControlScore[]) {
  for (const s of all) console.log(formatScore(s));
  const targets = figuresOf(all.filter((s) => TARGET_ROLES.has(s.control.role)));
  const every = figuresOf(all);
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  console.log(
    `${split}: buttons+fields ${targets.count}: box IoU>=0.5 ${pct(targets.boxHits)}, role ${pct(targets.roleHits)}, mean IoU ${targets.meanIou.toFixed(2)}; ` +
      `all ${every.count} controls: box ${pct(every.boxHits)}, role ${pct(every.roleHits)}`,
  );
  return targets;
}

test('tuning screenshots: control boxes and roles of buttons and fields meet the targets', () => {
  const figures = report('tune', scores('tune'));
  assert.ok(figures.count >= 10, `only ${figures.count} labelled buttons and fields present`);
  assert.ok(
    figures.boxHits >= Math.max(TARGET, TUNING_FLOOR.boxHits),
    `box hits ${figures.boxHits}`,
  );
  assert.ok(
    figures.roleHits >= Math.max(TARGET, TUNING_FLOOR.roleHits),
    `role hits ${figures.roleHits}`,
  );
});

test('held-out screenshots: figures printed, and no worse than the floors', (t) => {
  const all = scores('held-out');
  if (all.length === 0) return t.skip('no held-out screenshot on this machine');
  const figures = report('held-out', all);
  assert.ok(figures.boxHits >= HELD_OUT_FLOOR.boxHits, `box hits ${figures.boxHits}`);
  assert.ok(figures.roleHits >= HELD_OUT_FLOOR.roleHits, `role hits ${figures.roleHits}`);
});

// No floor for the fresh groups: each is the honest figure for screens the rules had never
// seen when it came, whatever it is; once worked on, it is no longer unseen, and its figures
// stay apart (docs/screen-controls.md has each round's first score). The fifth round (`fresh`:
// Qt, WinUI 3, Tk, Flutter, a web form, CustomTkinter) scored 21/60 boxes and 17/60 roles when
// it came; the sixth (`fresh6`: Bruno, Insomnia, btop, Lapce, Kubernetes Dashboard, Headlamp)
// 18/22 and 9/22; the seventh (`fresh7`: k9s, react-admin, SukiUI, SourceGit, gitui) 27/36
// and 19/36; the eighth (`fresh8`: Uptime Kuma, WPF UI, LinearMouse, Motrix) 29/37 and 26/37.
for (const split of freshSplits(labelled))
  test(`${split}: a new held-out group, labelled before any run: figures printed`, (t) => {
    const all = scores(split);
    if (all.length === 0) return t.skip(`no ${split} screenshot on this machine`);
    report(split, all);
    if (fullyLabelled(split)) reportMarks(split);
  });

/** How many of the claimed checkboxes, radios and toggles are marks (control-boxes.ts). */
function reportMarks(split: Split) {
  const mine = [...new Set(labelled.filter((c) => c.split === split).map((c) => c.file))];
  let claimed = 0;
  let confirmed = 0;
  for (const file of mine.filter((f) => analyses.has(f))) {
    const counts = markPrecision(
      labelled.filter((c) => c.file === file),
      analyses.get(file)!.ui,
    );
    console.log(
      `${split} marks ${file}: ${counts.confirmed} of ${counts.claimed} claimed are marks`,
    );
    claimed += counts.claimed;
    confirmed += counts.confirmed;
  }
  console.log(`${split}: marks claimed ${claimed}, of which labelled marks ${confirmed}`);
}

// Rules made on the sixth round, held to what they found there: the tab strips of Bruno's
// request and response panes (ten labels, OCR lines apart, one underlined in each strip),
// and its URL bar, a field whose tools OCR read as glyphs at its end.
test('Bruno: both tab strips are tabs, and the URL bar with its tools is a field', () => {
  const file = 'bruno-api-client-request-light.png';
  const mine = labelled.filter((c) => c.file === file);
  const score = (role: string) =>
    mine.filter((c) => c.role === role).map((c) => scoreControl(c, analyses.get(file)!.ui));
  const tabs = score('tab').filter((s) =>
    /^(Params|Body|Headers|Auth|Vars|Script|Response|Timeline|Tests)/.test(s.control.label),
  );
  assert.equal(tabs.length, 10);
  for (const s of tabs) assert.ok(s.role === 'tab' && s.iou >= 0.5, formatScore(s));
  const [url] = score('field');
  assert.ok(url.role === 'field' && url.iou >= 0.5, formatScore(url));
});

test('"Save button" answers with the button box, and its centre is the click point', () => {
  const file = SAVE_FILE;
  const a = analyses.get(file)!;
  const saves = labelled.filter((c) => c.file === file && c.label === 'Save');
  const matches = a.ui.filter((e) => e.text === 'Save');
  assert.equal(matches.length, 2);
  const top = a.matches![0];
  assert.equal(top.role, 'button');
  assert.ok(
    matches.some((e) => JSON.stringify(e.box) === JSON.stringify(top.box)),
    `the top match's box ${JSON.stringify(top.box)} is a Save button's control box`,
  );
  for (const e of matches) {
    assert.equal(e.role, 'button');
    assert.equal(e.interactable, true);
    const cx = e.box.x + e.box.w / 2;
    const cy = e.box.y + e.box.h / 2;
    assert.ok(
      saves.some(
        (s) => cx > s.box.x && cx < s.box.x + s.box.w && cy > s.box.y && cy < s.box.y + s.box.h,
      ),
      `centre ${cx},${cy} is inside a labelled Save button`,
    );
    // The control box, not the label's: the label is much smaller than the button.
    assert.ok(
      e.box.w * e.box.h >
        4 * Math.min(...a.elements.filter((t) => t.text === 'Save').map((t) => t.box.w * t.box.h)),
    );
  }
});

test('ui elements: ids in reading order, parents are earlier panels that contain them', () => {
  for (const [file, a] of analyses) {
    assert.ok(a.ui.length > 0, file);
    a.ui.forEach((e, i) => {
      assert.equal(e.id, i, file);
      assert.equal(typeof e.text, 'string');
      assert.ok(e.confidence >= 0 && e.confidence <= 1, `${file} #${i} confidence`);
      if (e.parent === null) return;
      const p = a.ui[e.parent];
      assert.ok(e.parent < i, `${file} #${i}: parent ${e.parent} comes first`);
      assert.equal(p.role, 'panel');
      assert.ok(p.box.x <= e.box.x + 1 && p.box.y <= e.box.y + 1, `${file} #${i} inside its panel`);
      assert.ok(
        p.box.x + p.box.w >= e.box.x + e.box.w - 1 && p.box.y + p.box.h >= e.box.y + e.box.h - 1,
      );
    });
  }
  // The edit dialog is a panel, and its Save button sits in it.
  const dialog = analyses.get('windows-terminal-keybinding-edit-dialog.png')!;
  const save = dialog.ui.find((e) => e.text === 'Save' && e.box.y < 500)!;
  assert.notEqual(save.parent, null);
  const panel = dialog.ui[save.parent!].box;
  assert.ok(panel.x <= 349 + 2 && panel.x + panel.w >= 780 - 2, JSON.stringify(panel));
});
