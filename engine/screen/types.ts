// What screen understanding hands agents: every element of a UI (controls, their text,
// plain text, the panels they sit in) with a box to click and a role to reason about.

/**
 * An axis-aligned rectangle in image pixels (the same shape as OCR's Box, declared here so
 * that engine/ocr/types.ts can name these types without an import cycle).
 */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type ControlRole =
  | 'button'
  | 'field'
  | 'dropdown'
  | 'checkbox'
  | 'radio'
  | 'toggle'
  | 'tab'
  | 'menu item'
  | 'link'
  | 'icon';

export type UiRole = ControlRole | 'text' | 'panel';

/** A control found in the pixels, with the text elements (indices into `elements`) it holds. */
export interface Control {
  role: ControlRole;
  box: Box;
  texts: number[];
  /** The control's text when it is not simply its texts joined (a mark OCR read as a glyph). */
  text?: string;
  /** 0..1: how sure the shape and the text are. */
  confidence: number;
}

export interface UiElement {
  /** Position in reading order; parents come before what they contain. */
  id: number;
  role: UiRole;
  /** True for what an agent can click or type into. */
  interactable: boolean;
  /** The control's box (not only its label's); its centre is the point to click. */
  box: Box;
  /** The text it shows, '' for none. */
  text: string;
  confidence: number;
  /** The id of the panel, dialog or list it sits in, or null. */
  parent: number | null;
}
