// The answers view's HTML: same strict CSP as the diagnostics panel (nonce'd script from
// media/, styles from media/, thumbnails as data: URIs).
import { escapeHtml } from '../format';
import { newNonce, webviewHead, webviewTail, type PanelAssets } from '../webview/html';

/** The editor's form of `vlm ask`'s notice: the same facts, with its button instead of a command line. */
export const NO_MODEL_NOTICE =
  'No model is installed, so questions get no answer, only the evidence: the frames the built-in encoder found, their times, scores and on-screen text. Download a model to get answers.';

export function answersHtml(assets: PanelAssets): string {
  const nonce = assets.nonce ?? newNonce();
  return `${webviewHead(assets, nonce, 'VLM Answers')}
<body>
<div id="banner" class="banner" hidden>
  <span id="no-model-notice">${escapeHtml(NO_MODEL_NOTICE)}</span>
  <button id="download-model" type="button">Download Model</button>
  <button id="select-model" type="button" class="secondary">Select Model…</button>
</div>
<div class="toolbar"><label>Stream <select id="stream-select" aria-label="Stream"></select></label></div>
<p id="empty" class="empty">No questions yet. Run <strong>VLM: Ask About Video…</strong> or <strong>VLM: Ask About Image…</strong>, right-click a media file in the explorer, or paste or drop an image here.</p>
<ol id="answers" class="answers" aria-live="polite"></ol>
<form id="ask-form" class="ask-form">
  <div id="attachment" class="attachment" hidden>
    <img id="attachment-thumb" class="attachment-thumb" alt="">
    <span id="attachment-name" class="attachment-name"></span>
    <button id="attachment-remove" type="button" class="secondary" title="Remove the image" aria-label="Remove the image">×</button>
  </div>
  <textarea id="question" rows="2" aria-label="Question" maxlength="2000"></textarea>
  <div class="ask-row">
    <span id="ask-hint" class="hint">Paste or drop an image, or drop a video from the Explorer (hold Shift)</span>
    <button id="ask-send" type="submit">Ask</button>
  </div>
</form>
<div id="drop-overlay" class="drop-overlay" hidden>Drop an image or a video to ask about it</div>
${webviewTail(assets, nonce)}`;
}
