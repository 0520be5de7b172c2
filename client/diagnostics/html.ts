// The diagnostics panel's HTML: its sections under the head, CSP and script tag every
// webview shares (client/webview/html.ts). Pure, so the browser test renders exactly what
// the extension serves.
import { newNonce, webviewHead, webviewTail, type PanelAssets } from '../webview/html';

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
${webviewTail(assets, nonce)}`;
}
