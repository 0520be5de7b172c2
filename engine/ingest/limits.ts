// Default limits for what ingest accepts; every one can be overridden per call.

/** 40 megapixels: above 8K (33 MP); larger is a decompression bomb, not a screen. */
export const DEFAULT_MAX_PIXELS = 40_000_000;
/** 24 hours: a longer file is a broken header, not a recording. */
export const DEFAULT_MAX_DURATION_SEC = 24 * 3600;
