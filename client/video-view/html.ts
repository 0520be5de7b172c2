// The video view's HTML: a player (or the frame stepper), the evidence timeline, and the
// question box. Strict CSP: one nonce'd script from media/, styles from media/, the video
// and its frames only through webview URIs (media-src and img-src are the webview source).
import { escapeHtml } from '../format';
import { newNonce, type PanelAssets } from '../diagnostics/html';

export function videoViewCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `media-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function videoViewHtml(assets: PanelAssets, fileName: string): string {
  const nonce = assets.nonce ?? newNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(videoViewCsp(assets.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(assets.styleUri)}">
<title>${escapeHtml(fileName)}</title>
</head>
<body>
<main class="video-view">
  <div id="stage" class="stage">
    <video id="player" controls preload="metadata" hidden></video>
    <img id="frame" alt="" hidden>
    <p id="status" class="status" role="status">Loading ${escapeHtml(fileName)}…</p>
  </div>
  <div id="stepper" class="stepper" hidden>
    <button id="prev" type="button" title="Previous frame" aria-label="Previous frame">◀</button>
    <input id="slider" type="range" min="0" max="0" value="0" step="1" aria-label="Frame">
    <button id="next" type="button" title="Next frame" aria-label="Next frame">▶</button>
    <span id="frame-time" class="frame-time">0:00.0</span>
  </div>
  <div id="timeline" class="timeline" aria-label="Evidence on the timeline"><div id="cursor" class="cursor"></div></div>
  <form id="ask" class="ask">
    <input id="question" type="text" maxlength="2000" placeholder="Ask about ${escapeHtml(fileName)}…" aria-label="Question">
    <button id="ask-button" type="submit">Ask</button>
  </form>
  <section id="answer" class="answer" aria-live="polite" hidden></section>
</main>
<script nonce="${nonce}" src="${escapeHtml(assets.scriptUri)}"></script>
</body>
</html>
`;
}
