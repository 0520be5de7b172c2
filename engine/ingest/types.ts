// The shapes that flow out of ingest: decoded frames, the sources they come from, and
// what we know about a video before decoding it.

/** One decoded video frame: packed 8-bit RGB (ffmpeg's rgb24), row-major, no padding. */
export interface DecodedFrame {
  /** 0-based position among the frames this stream delivered (after fps sampling). */
  index: number;
  /** Presentation time in seconds from the video stream's first frame (start offset included). */
  timeSec: number;
  width: number;
  height: number;
  /** width * height * 3 bytes. */
  rgb: Buffer;
  /** Frames a live source dropped (latest-wins backpressure) just before this one. */
  droppedBefore: number;
}

/** A video or image file that is complete on disk. */
export interface FileSource {
  kind: 'file';
  path: string;
}

/** Image sequence such as `frames/%05d.png`, read as a video at `framerate`. */
export interface ImageSequenceSource {
  kind: 'image-sequence';
  /** printf-style pattern understood by ffmpeg's image2 demuxer, e.g. `shots/%04d.png`. */
  pattern: string;
  /** Frames per second of the sequence (default 1). */
  framerate?: number;
}

/** A recording still being written: followed until it has not grown for `idleMs`. */
export interface GrowingFileSource {
  kind: 'growing-file';
  path: string;
  /** Stop when the file has not grown for this long (default 3000 ms). */
  idleMs?: number;
  /** How often to look for new bytes (default 100 ms). */
  pollMs?: number;
}

/** The screen: x11grab (Linux), gdigrab (Windows), avfoundation (macOS). */
export interface ScreenSource {
  kind: 'screen';
  /** X display (`:0.0`, default $DISPLAY), or the avfoundation screen index on macOS. */
  display?: string;
  /** Capture region; the whole screen when absent. */
  region?: { x: number; y: number; width: number; height: number };
  /** Capture rate (default 5). */
  framerate?: number;
  /** Draw the mouse pointer (default true). */
  showCursor?: boolean;
}

/** A camera: v4l2 (Linux), dshow (Windows), avfoundation (macOS). */
export interface CameraSource {
  kind: 'camera';
  /** `/dev/video0` on Linux, the device name on Windows, the device index on macOS. */
  device?: string;
  width?: number;
  height?: number;
  framerate?: number;
}

/** A network stream: rtsp://, rtsps://, http(s):// (a file or an HLS .m3u8 playlist). */
export interface UrlSource {
  kind: 'url';
  url: string;
  /** RTSP transport (default tcp, which passes firewalls and does not lose packets). */
  rtspTransport?: 'tcp' | 'udp';
}

export type SourceSpec =
  | FileSource
  | ImageSequenceSource
  | GrowingFileSource
  | ScreenSource
  | CameraSource
  | UrlSource;

/** Sources that produce frames in real time and may drop frames or reconnect. */
export type LiveSourceSpec = ScreenSource | CameraSource | UrlSource;

export function isLiveSource(source: SourceSpec): source is LiveSourceSpec {
  return source.kind === 'screen' || source.kind === 'camera' || source.kind === 'url';
}

/** What `ffmpeg -i` says about a file, without ffprobe. */
export interface VideoMetadata {
  /** Seconds; undefined when unknown (live streams, some pipes). */
  durationSec: number | undefined;
  /** Average frame rate of the video stream; undefined when ffmpeg does not report one. */
  fps: number | undefined;
  /** Display size: rotation metadata already applied, as the decoder will deliver it. */
  width: number;
  height: number;
  /** ffmpeg's decoder name, e.g. `h264`, `vp9`, `gif`, `png`. */
  codec: string;
  /** ffmpeg's demuxer name list, e.g. `mov,mp4,m4a,3gp,3g2,mj2`. */
  container: string;
  /** round(duration * fps); undefined when either is unknown. 1 for a still image. */
  frameCountEstimate: number | undefined;
  /** Degrees the stored picture is rotated for display (0, 90, 180, 270). */
  rotation: number;
  /** True for a still image format (png, jpeg, bmp…). */
  isImage: boolean;
}

/** Running counts for one decode, readable at any time. */
export interface DecodeStats {
  /** Frames delivered to the consumer. */
  framesDelivered: number;
  /** Frames dropped because the consumer fell behind a live source. */
  framesDropped: number;
  /** Times a live source was reopened after failing. */
  reconnects: number;
  /** Lines where ffmpeg reported a damaged packet or frame (decoding went on). */
  decodeErrors: number;
  /** Most bytes read from ffmpeg and not yet delivered at one time (bounded: about 2 frames). */
  peakBufferedBytes: number;
}
