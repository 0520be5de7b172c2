// The diagnostics panel's HTML: a strict CSP (nothing inline; the one script carries a
// nonce; styles and images only from the extension's media/ folder), assets through
// webview URIs. Pure, so the browser test renders exactly what the extension serves.
import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../format';

export interface PanelAssets {
  /** webview.cspSource */
  cspSource: string;
  /** asWebviewUri(media/diagnostics.js) and media/diagnostics.css, as strings. */
  scriptUri: string;
  styleUri: string;
  nonce?: string;
}

export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/** The document start shared by the extension's webviews: doctype, CSP, stylesheet, title. */
export function webviewHead(assets: PanelAssets, nonce: string, title: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(assets.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(assets.styleUri)}">
<title>${escapeHtml(title)}</title>
</head>`;
}

export function diagnosticsHtml(assets: PanelAssets): string {
  const nonce = assets.nonce ?? newNonce();
  return `${webviewHead(assets, nonce, 'VLM Cache Diagnostics')}
<body>
<header class="header">
  <h1>Cache diagnostics</h1>
  <label class="stream-picker">Stream <select id="stream-select" aria-label="Stream"></select></label>
  <span id="engine" class="engine" role="status">waiting for the server…</span>
</header>
<main>
  <section aria-labelledby="tiers-title"><h2 id="tiers-title">Tiers against budgets</h2><div id="tiers" class="bars"></div></section>
  <section aria-labelledby="timeline-title"><h2 id="timeline-title">Stream timeline</h2><div id="timeline" class="timeline"></div><div id="timeline-legend" class="legend"></div></section>
  <section aria-labelledby="tier-bytes-title"><h2 id="tier-bytes-title">Tier bytes over time</h2><div id="tier-bytes" class="tier-bytes"></div><div id="tier-bytes-legend" class="legend"></div></section>
  <section aria-labelledby="metrics-title"><h2 id="metrics-title">Latency and throughput</h2><div id="metrics" class="metrics"></div></section>
  <section aria-labelledby="gate-title"><h2 id="gate-title">Frame gate and memory</h2><div id="gate" class="bars"></div></section>
</main>
<script nonce="${nonce}" src="${escapeHtml(assets.scriptUri)}"></script>
</body>
</html>
`;
}
