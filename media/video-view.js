// The video view's script. The host posts {type:'video', src} (play it in <video>) or
// {type:'frames', frames, fps} (step through extracted JPEGs), {type:'markers'} with each
// evidence time's place on the timeline, {type:'events'} with the stream's moments,
// {type:'seek'}, and the question box's answer.
// A <video> that cannot play reports 'playbackError' and the host sends frames instead.
(function () {
  'use strict';

  const vscode = acquireVsCodeApi();
  const $ = (id) => document.getElementById(id);
  const player = $('player');
  const frame = $('frame');
  const slider = $('slider');
  const timeline = $('timeline');
  const cursor = $('cursor');
  const status = $('status');
  let mode = 'loading';
  let frames = [];
  let fps = 1;
  let pendingTime;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function timestamp(s) {
    const m = Math.floor(s / 60);
    return m + ':' + (s % 60).toFixed(1).padStart(4, '0');
  }

  function setStatus(text) {
    status.textContent = text;
    status.hidden = !text;
  }

  function setMode(next) {
    mode = next;
    document.body.dataset.mode = next;
    player.hidden = next !== 'video';
    frame.hidden = next !== 'frames';
    $('stepper').hidden = next !== 'frames';
  }

  function duration() {
    if (mode === 'video') return player.duration || 0;
    return frames.length / fps;
  }

  function moveCursor(timeSec) {
    const d = duration();
    cursor.style.left = d > 0 ? Math.min(100, (100 * timeSec) / d) + '%' : '0';
  }

  function showFrame(index) {
    if (frames.length === 0) return;
    const i = Math.max(0, Math.min(frames.length - 1, index));
    frame.src = frames[i];
    frame.dataset.index = String(i);
    slider.value = String(i);
    const t = i / fps;
    frame.dataset.time = t.toFixed(3);
    $('frame-time').textContent = timestamp(t);
    moveCursor(t);
  }

  function seekVideo(timeSec) {
    if (player.readyState >= 1) player.currentTime = timeSec;
    else pendingTime = timeSec;
  }

  function seek(timeSec, frameIndex) {
    if (mode === 'frames')
      showFrame(frameIndex !== undefined ? frameIndex : Math.round(timeSec * fps));
    else seekVideo(timeSec);
    moveCursor(timeSec);
  }

  function renderMarkers(markers) {
    for (const old of timeline.querySelectorAll('.marker')) old.remove();
    for (const m of markers) {
      const button = el('button', 'marker');
      button.type = 'button';
      button.style.left = m.leftPct + '%';
      button.title = timestamp(m.timeSec) + ' ' + m.label;
      button.setAttribute('aria-label', 'Evidence at ' + timestamp(m.timeSec));
      button.dataset.time = String(m.timeSec);
      if (m.frameIndex !== undefined && m.frameIndex !== null)
        button.dataset.frame = String(m.frameIndex);
      button.addEventListener('click', () =>
        seek(m.timeSec, m.frameIndex === null ? undefined : m.frameIndex),
      );
      timeline.appendChild(button);
    }
  }

  // The stream's timeline: a pop-up that appeared, a line typed, a cut. A lane of its own
  // under the evidence, hidden until the stream has any.
  function renderEvents(events) {
    const lane = $('events');
    lane.replaceChildren();
    lane.hidden = events.length === 0;
    for (const m of events) {
      const button = el('button', 'event');
      button.type = 'button';
      button.dataset.kind = m.kind;
      button.dataset.time = String(m.timeSec);
      button.style.left = m.leftPct + '%';
      button.title = m.label;
      button.setAttribute('aria-label', m.label);
      button.addEventListener('click', () =>
        seek(m.timeSec, m.frameIndex === null ? undefined : m.frameIndex),
      );
      lane.appendChild(button);
    }
  }

  function renderAnswer(m) {
    const box = $('answer');
    box.hidden = false;
    box.replaceChildren();
    box.dataset.state = m.state;
    box.appendChild(el('p', 'question', m.question));
    if (m.state === 'asking') {
      box.appendChild(el('p', 'pending', 'Asking…'));
      return;
    }
    if (m.error) box.appendChild(el('p', 'error', m.error));
    if (m.text) box.appendChild(el('p', 'text', m.text));
    if (m.evidence && m.evidence.length) {
      const list = el('ul', 'evidence');
      for (const e of m.evidence) {
        const li = el('li');
        const a = el('a', 'timestamp', timestamp(e.timeSec));
        a.href = '#';
        a.addEventListener('click', (event) => {
          event.preventDefault();
          seekFromAnswer(e.timeSec);
        });
        li.appendChild(a);
        if (e.text) {
          // A frame's whole screen text can run to pages: one line here, all of it on hover.
          const short = e.text.length > 160 ? e.text.slice(0, 159) + '…' : e.text;
          const span = el('span', 'evidence-text', ' ' + short);
          span.title = e.text;
          li.appendChild(span);
        }
        list.appendChild(li);
      }
      box.appendChild(list);
    }
  }

  // In the stepper the marker with this time knows its frame; fall back to the rate.
  function seekFromAnswer(timeSec) {
    const marker = [...timeline.querySelectorAll('.marker')].find(
      (b) => Math.abs(Number(b.dataset.time) - timeSec) < 0.05,
    );
    seek(timeSec, marker && marker.dataset.frame ? Number(marker.dataset.frame) : undefined);
  }

  player.addEventListener('loadedmetadata', () => {
    setStatus('');
    vscode.postMessage({ type: 'duration', durationSec: player.duration });
    if (pendingTime !== undefined) {
      player.currentTime = pendingTime;
      pendingTime = undefined;
    }
  });
  player.addEventListener('timeupdate', () => moveCursor(player.currentTime));
  player.addEventListener('error', () => {
    if (mode !== 'video') return;
    const code = player.error ? player.error.code : 0;
    vscode.postMessage({
      type: 'playbackError',
      message: 'the player cannot play it (media error ' + code + ')',
    });
  });

  slider.addEventListener('input', () => showFrame(Number(slider.value)));
  $('prev').addEventListener('click', () => showFrame(Number(slider.value) - 1));
  $('next').addEventListener('click', () => showFrame(Number(slider.value) + 1));
  document.addEventListener('keydown', (event) => {
    if (mode !== 'frames' || event.target instanceof HTMLInputElement) return;
    if (event.key === 'ArrowLeft') showFrame(Number(slider.value) - 1);
    if (event.key === 'ArrowRight') showFrame(Number(slider.value) + 1);
  });

  $('ask').addEventListener('submit', (event) => {
    event.preventDefault();
    const question = $('question').value.trim();
    if (!question) return;
    vscode.postMessage({ type: 'ask', question });
  });

  window.addEventListener('message', (event) => {
    const m = event.data;
    switch (m.type) {
      case 'video':
        setMode('video');
        player.src = m.src;
        return;
      case 'frames':
        frames = m.frames;
        fps = m.fps;
        slider.max = String(frames.length - 1);
        setMode('frames');
        setStatus('');
        showFrame(0);
        return;
      case 'status':
        setStatus(m.text);
        return;
      case 'seek':
        seek(m.timeSec, m.frameIndex);
        return;
      case 'markers':
        renderMarkers(m.markers);
        return;
      case 'events':
        renderEvents(m.events);
        return;
      case 'asking':
        $('ask-button').disabled = true;
        renderAnswer({ state: 'asking', question: m.question });
        return;
      case 'answer':
        $('ask-button').disabled = false;
        renderAnswer(m);
        return;
    }
  });

  setMode('loading');
  vscode.postMessage({ type: 'ready' });
})();
