// Formatting shared by the answers view, the diagnostics panel host and the status bar.
// Pure functions: no vscode import, so the unit tests run in plain Node.

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 -> "1.5 KiB"; whole bytes stay whole. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** 1234 -> "1.2k tokens"; small counts stay exact. */
export function formatTokens(tokens: number): string {
  if (!Number.isFinite(tokens) || tokens < 0) return '?';
  if (tokens < 1000) return `${Math.round(tokens)} tokens`;
  if (tokens < 1_000_000) return `${(tokens / 1000).toFixed(1)}k tokens`;
  return `${(tokens / 1_000_000).toFixed(1)}M tokens`;
}

/** Stream time in milliseconds -> "m:ss.s" or "h:mm:ss" for long streams. */
export function formatTimestamp(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const totalSeconds = ms / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) {
    return `${hours}:${String(minutes).padStart(2, '0')}:${String(Math.floor(seconds)).padStart(2, '0')}`;
  }
  return `${minutes}:${seconds.toFixed(1).padStart(4, '0')}`;
}

/** A duration in milliseconds for metrics: "850 ms", "2.3 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** 0.734 -> "73%"; values outside 0..1 are clamped so a bar never overflows. */
export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return '?';
  return `${Math.round(Math.min(1, Math.max(0, ratio)) * 100)}%`;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
