// Stills of a live stream, kept so a remote server can be shown the frames retrieval picks.
// A file stream's frames are decoded again at the evidence times (video-keyframes.ts); a
// camera, screen or network stream cannot be rewound, so its sampled frames are kept here
// as JPEGs under a byte budget, oldest dropped first. Evidence older than what is kept is
// sent as its timestamp and on-screen text only.
import sharp from 'sharp';
import type { Keyframe, RgbFrame } from './keyframes';

export interface StillStoreOptions {
  /**
   * Bytes of JPEG kept at most (default 64 MiB). A 1024 px still of a 720p camera frame
   * is about 60 KiB, of a terminal recording about 35 KiB: some 18 minutes at 1 fps.
   */
  maxBytes?: number;
  /** Longer side of each still in pixels (default 1024, as for file keyframes). */
  maxSide?: number;
  /** JPEG quality 1-100 (default 80). */
  quality?: number;
}

interface Still {
  timeSec: number;
  bytes: Buffer;
}

export class StillStore {
  private readonly stills: Still[] = [];
  private bytes = 0;
  private readonly maxBytes: number;
  private readonly maxSide: number;
  private readonly quality: number;

  constructor(options: StillStoreOptions = {}) {
    this.maxBytes = options.maxBytes ?? 64 * 2 ** 20;
    this.maxSide = options.maxSide ?? 1024;
    this.quality = options.quality ?? 80;
    if (!(this.maxBytes > 0)) throw new Error(`still store: maxBytes ${this.maxBytes} must be > 0`);
  }

  /** Encodes and keeps one frame; frames arrive in time order. */
  async add(frame: RgbFrame): Promise<void> {
    const bytes = await sharp(frame.rgb, {
      raw: { width: frame.width, height: frame.height, channels: 3 },
    })
      .resize(this.maxSide, this.maxSide, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: this.quality })
      .toBuffer();
    this.stills.push({ timeSec: frame.timeSec, bytes });
    this.bytes += bytes.length;
    while (this.bytes > this.maxBytes && this.stills.length > 1)
      this.bytes -= this.stills.shift()!.bytes.length;
  }

  /** The kept still nearest to `timeSec`, if one lies within `toleranceSec` of it. */
  near(timeSec: number, toleranceSec: number): Keyframe | undefined {
    let best: Still | undefined;
    for (const still of this.stills)
      if (!best || Math.abs(still.timeSec - timeSec) < Math.abs(best.timeSec - timeSec))
        best = still;
    if (!best || Math.abs(best.timeSec - timeSec) > toleranceSec) return undefined;
    return {
      timeSec: best.timeSec,
      image: { kind: 'encoded', bytes: best.bytes, mediaType: 'image/jpeg' },
    };
  }

  /** What is kept: how many stills, their bytes, and the time span they cover. */
  get stats(): { stills: number; bytes: number; fromSec?: number; toSec?: number } {
    return {
      stills: this.stills.length,
      bytes: this.bytes,
      fromSec: this.stills[0]?.timeSec,
      toSec: this.stills[this.stills.length - 1]?.timeSec,
    };
  }
}
