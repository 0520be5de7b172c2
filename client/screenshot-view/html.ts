// The screenshot view's HTML: the image with its element boxes, a query box, copy buttons
// and the element list. Strict CSP: one nonce'd script and the stylesheet from media/; the
// image from its folder (a webview URI) or, when pasted or dropped, a data: URI.
import { newNonce, webviewHead, webviewTail, type PanelAssets } from '../webview/html';

export function screenshotViewHtml(assets: PanelAssets): string {
  const nonce = assets.nonce ?? newNonce();
  return `${webviewHead(assets, nonce, 'VLM Screenshot')}
<body>
<header class="toolbar">
  <form id="query-form" class="query">
    <input id="query" type="search" placeholder="Find an element, e.g. Save button" aria-label="Find an element">
    <button type="submit">Find</button>
  </form>
  <button id="copy-json" type="button" class="secondary" disabled>Copy as JSON</button>
  <button id="copy-text" type="button" class="secondary" disabled>Copy text</button>
</header>
<p id="status" class="status" role="status">Paste an image (Ctrl+V or ⌘V) or drop an image file here.</p>
<div id="stage" class="stage" hidden>
  <img id="image" alt="">
  <div id="boxes" class="boxes"></div>
  <div id="tip" class="tip" role="tooltip" hidden></div>
</div>
<section class="results">
  <h2 id="results-title" hidden>Matches</h2>
  <table id="results" hidden>
    <thead><tr><th>text</th><th>role</th><th>confidence</th><th>x, y</th></tr></thead>
    <tbody></tbody>
  </table>
</section>
${webviewTail(assets, nonce)}`;
}
