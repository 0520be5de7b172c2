// Shapes shared by the OCR runtime, screenshot analysis, the video text index and the
// agent interfaces (CLI, MCP, language server).
import type { ControlRole, UiElement } from '../screen/types';

/** An axis-aligned rectangle in image pixels: top-left corner, width, height. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One piece of text the recognizer read: a detected text region. */
export interface TextElement {
  text: string;
  box: Box;
  /** Mean per-character probability from the recognizer, 0..1. */
  confidence: number;
  /** Position in reading order (0-based): blocks top to bottom, lines, then left to right. */
  order: number;
  /** The visual line this element sits on (0-based, in reading order). */
  line: number;
  /** The block (a column or panel of nearby lines) this element belongs to. */
  block: number;
}

export interface TextLine {
  id: number;
  block: number;
  box: Box;
  /** The elements' texts joined with spaces, left to right. */
  text: string;
  elements: number[];
}

export interface TextBlock {
  id: number;
  box: Box;
  lines: number[];
}

/** What an element is: a control role from engine/screen/ or OCR's guess from the text. */
export type ElementRole = ControlRole | 'text';

export interface QueryMatch {
  /** Index into `elements` (or -1 when the match spans a whole line, see `line`). */
  element: number;
  line: number;
  text: string;
  box: Box;
  /** 0..1: how well the text matches the query, with the role hint folded in. */
  score: number;
  /** A guess from shape and layout; 'text' when nothing suggests a control. */
  role: ElementRole;
}

export interface OcrTimings {
  decodeMs: number;
  detectMs: number;
  recognizeMs: number;
  layoutMs: number;
  /** Control detection and element assembly (engine/screen/). */
  controlsMs: number;
  totalMs: number;
}

export interface ScreenAnalysis {
  width: number;
  height: number;
  elements: TextElement[];
  lines: TextLine[];
  blocks: TextBlock[];
  /**
   * Every UI element for agents: controls (with their control box and text), text outside
   * controls, and the panels they sit in; reading order, panels before their contents.
   */
  ui: UiElement[];
  /** Present when a query was given: best first. */
  matches?: QueryMatch[];
  query?: string;
  timings: OcrTimings;
}

/** A decoded image: packed RGB, 3 bytes per pixel, row-major. */
export interface RgbImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}
