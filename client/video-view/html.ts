// The video view's HTML: a player (or the frame stepper), the evidence timeline, a lane of
// the stream's moments (UI events, typing, cuts), and the
// question box. Strict CSP: one nonce'd script from media/, styles from media/, the video
// and its frames only through webview URIs (media-src and img-src are the webview source).
import { escapeHtml } from '../format';
import { newNonce, webviewHead, webviewTail, type PanelAssets } from '../webview/html';

export function videoViewHtml(assets: PanelAssets, fileName: string): string {
  const nonce = assets.nonce ?? newNonce();
  return `${webviewHead(assets, nonce, fileName, { media: true })}
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
  <div id="events" class="events" role="group" aria-label="What happens on screen" hidden></div>
  <form id="ask" class="ask">
    <input id="question" type="text" maxlength="2000" placeholder="Ask about ${escapeHtml(fileName)}…" aria-label="Question">
    <button id="ask-button" type="submit">Ask</button>
  </form>
  <section id="answer" class="answer" aria-live="polite" hidden></section>
</main>
${webviewTail(assets, nonce)}`;
}
