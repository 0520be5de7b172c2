// Whether a picture looks like a computer screen (a screenshot, a screen recording's
// frame) or like camera footage, from its pixels. Reading on-screen text (OCR) pays for
// itself on screens; on camera footage it finds nothing and makes encoding about ten times
// slower on a CPU. Screens are drawn: large areas of one exact colour, and text makes many
// short, sharp, high-contrast steps along rows. Camera pictures have sensor noise,
// gradients and soft edges.
import sharp from 'sharp';

export interface RgbImage {
  width: number;
  height: number;
  /** width * height * 3 bytes, packed RGB. */
  rgb: Buffer;
}

export interface ScreenFeatures {
  /** Share of pixels equal (within 2 levels per channel) to both their right and lower neighbours. */
  flatShare: number;
  /** Share of pixels where luma steps by 80+ levels to the right neighbour: text strokes. */
  strokeDensity: number;
}

/** Pictures are measured at this width (or height, when taller): text stays sharp, cost stays low. */
const SIDE = 480;

/**
 * Screen when flatShare + 2 * strokeDensity reaches this. Chosen on the tuning fixtures
 * (test/unit/media/screen-like.test.ts): camera frames scored at most 0.52 (a pillarboxed
 * black-and-white film, whose bars are flat), screen frames at least 0.67 (a terminal
 * mid-animation, whose flat share drops to 0.48 but whose strokes rise).
 */
export const SCREEN_SCORE_THRESHOLD = 0.6;

/** One number per picture: high for drawn screens, low for camera footage. */
export function screenScore(f: ScreenFeatures): number {
  return f.flatShare + 2 * f.strokeDensity;
}

/** Whether the picture looks like a screen (screenshot, screen recording) rather than camera footage. */
export async function looksLikeScreen(image: RgbImage): Promise<boolean> {
  return screenScore(await screenFeatures(image)) >= SCREEN_SCORE_THRESHOLD;
}

export async function screenFeatures(image: RgbImage): Promise<ScreenFeatures> {
  const { data, info } = await sharp(image.rgb, {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .resize(SIDE, SIDE, { fit: 'inside', withoutEnlargement: true, kernel: 'nearest' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return measure(data, info.width, info.height);
}

function measure(px: Buffer, width: number, height: number): ScreenFeatures {
  let flat = 0;
  let strokes = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      if (x + 1 < width && y + 1 < height) {
        if (same(px, i, i + 3) && same(px, i, i + width * 3)) flat++;
        if (Math.abs(luma(px, i) - luma(px, i + 3)) >= 80) strokes++;
      }
    }
  }
  const inner = Math.max(1, (width - 1) * (height - 1));
  return {
    flatShare: flat / inner,
    strokeDensity: strokes / inner,
  };
}

function same(px: Buffer, a: number, b: number): boolean {
  return (
    Math.abs(px[a] - px[b]) <= 2 &&
    Math.abs(px[a + 1] - px[b + 1]) <= 2 &&
    Math.abs(px[a + 2] - px[b + 2]) <= 2
  );
}

function luma(px: Buffer, i: number): number {
  return 0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2];
}
