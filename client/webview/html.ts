// What every webview of the extension shares: a strict CSP (nothing inline; the one script
// carries a nonce; styles, fonts and images only from the extension's media/ folder or the
// webview source), the document head and the script tag. Pure, so browser tests render
// exactly what the extension serves.
import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../format';

export interface PanelAssets {
  /** webview.cspSource */
  cspSource: string;
  /** asWebviewUri(media/NAME.js) and media/NAME.css, as strings. */
  scriptUri: string;
  styleUri: string;
  nonce?: string;
}

export interface CspOptions {
  /** Allow audio and video from the webview source (the video view's player). */
  media?: boolean;
}

export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

export function contentSecurityPolicy(
  cspSource: string,
  nonce: string,
  options: CspOptions = {},
): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    ...(options.media ? [`media-src ${cspSource}`] : []),
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/** The document start: doctype, CSP, stylesheet, title. */
export function webviewHead(
  assets: PanelAssets,
  nonce: string,
  title: string,
  options: CspOptions = {},
): string {
  const csp = contentSecurityPolicy(assets.cspSource, nonce, options);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(assets.styleUri)}">
<title>${escapeHtml(title)}</title>
</head>`;
}

/** The document end: the one nonce'd script. */
export function webviewTail(assets: PanelAssets, nonce: string): string {
  return `<script nonce="${nonce}" src="${escapeHtml(assets.scriptUri)}"></script>
</body>
</html>
`;
}
