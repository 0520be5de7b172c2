// Which parts of a screenshot changed since the session's previous one, at tile
// granularity: a hash per 32x32 tile (the detector's input is a multiple of 32) is small
// enough to keep per session and to save to disk, and tells a small change (a dialog, a
// typed field) from a new screen before any model runs.
import { createHash } from 'node:crypto';
import type { RgbImage } from '../../ocr/types';

export const TILE = 32;

export interface TileSignature {
  width: number;
  height: number;
  /** One short hash per tile, row by row. */
  tiles: string[];
}

export function tileSignature(image: RgbImage): TileSignature {
  const columns = Math.ceil(image.width / TILE);
  const rows = Math.ceil(image.height / TILE);
  const rgb = Buffer.from(image.rgb.buffer, image.rgb.byteOffset, image.rgb.byteLength);
  const tiles: string[] = [];
  for (let ty = 0; ty < rows; ty++) {
    for (let tx = 0; tx < columns; tx++) {
      const hash = createHash('sha1');
      const x0 = tx * TILE;
      const x1 = Math.min(image.width, x0 + TILE);
      for (let y = ty * TILE; y < Math.min(image.height, (ty + 1) * TILE); y++)
        hash.update(rgb.subarray((y * image.width + x0) * 3, (y * image.width + x1) * 3));
      tiles.push(hash.digest('base64').slice(0, 12));
    }
  }
  return { width: image.width, height: image.height, tiles };
}

/** Share of tiles (0..1) that differ; 1 when the sizes differ or there is no previous one. */
export function changedShare(previous: TileSignature | undefined, next: TileSignature): number {
  if (!previous || previous.width !== next.width || previous.height !== next.height) return 1;
  let changed = 0;
  next.tiles.forEach((tile, i) => {
    if (tile !== previous.tiles[i]) changed++;
  });
  return next.tiles.length ? changed / next.tiles.length : 0;
}
