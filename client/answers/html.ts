// The answers view's HTML: same strict CSP as the diagnostics panel (nonce'd script from
// media/, styles from media/, thumbnails as data: URIs).
import { escapeHtml } from '../format';
import { newNonce, webviewHead, type PanelAssets } from '../diagnostics/html';

export function answersHtml(assets: PanelAssets): string {
  const nonce = assets.nonce ?? newNonce();
  return `${webviewHead(assets, nonce, 'VLM Answers')}
<body>
<div id="banner" class="banner" hidden>
  <span>The built-in reference model is loaded: its answers are not meaningful (random weights). Select a real model to get real answers.</span>
  <button id="select-model" type="button">Select Model…</button>
</div>
<div class="toolbar"><label>Stream <select id="stream-select" aria-label="Stream"></select></label></div>
<p id="empty" class="empty">No questions yet. Run <strong>VLM: Ask About Video…</strong> or <strong>VLM: Ask About Image…</strong>, or right-click a media file in the explorer.</p>
<ol id="answers" class="answers" aria-live="polite"></ol>
<script nonce="${nonce}" src="${escapeHtml(assets.scriptUri)}"></script>
</body>
</html>
`;
}
