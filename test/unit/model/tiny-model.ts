// The tiny reference model for model-runtime tests: generated once into a shared temp
// cache (or VLM_CACHE_DIR) and reused by every test file; generation is lock-safe.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureReferenceModel } from '../../../engine/model/reference';
import type { RgbImage } from '../../../engine/model/image-input';

const testCacheDir = () => process.env.VLM_CACHE_DIR ?? join(tmpdir(), 'vlm-stream-test-cache');

export function tinyModelDir(): Promise<string> {
  return ensureReferenceModel('tiny', testCacheDir());
}

/** The Qwen2-VL-layout tiny reference model (qwen2-vl-tiny), shared the same way. */
export function qwen2VlTinyModelDir(): Promise<string> {
  return ensureReferenceModel('qwen2-vl-tiny', testCacheDir());
}

/** A smooth synthetic picture (gradients and slow waves), deterministic. */
export function smoothImage(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = Math.round(127 + 120 * Math.sin(x / 23));
      data[i + 1] = Math.round((255 * y) / height);
      data[i + 2] = Math.round(127 + 100 * Math.cos((x + y) / 31));
    }
  return { data, width, height };
}

/** A busy picture: neighbouring pixels differ a lot, so resampling choices show. */
export function noisyImage(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3).map((_, i) => (i * 7) & 255);
  return { data, width, height };
}
