// The answers view's script. The host posts {type:'state'} with the selected stream's
// answers (newest first), {type:'token'} for each streamed chunk and {type:'thumb'} when a
// frame thumbnail is ready. Everything is built with DOM calls (answers are untrusted text).
(function () {
  'use strict';

  const vscode = acquireVsCodeApi();
  let state = vscode.getState() || {
    streams: [],
    selected: null,
    entries: [],
    referenceModel: false,
    thumbs: {},
  };

  const NO_MODEL_ANSWER =
    'No answer: no model is installed. The evidence is what the built-in encoder found, with the on-screen text of each frame.';

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

  function renderEntry(entry) {
    const li = el('li', 'answer state-' + entry.state);
    li.dataset.askId = entry.id;
    const head = el('div', 'answer-head');
    head.appendChild(el('span', 'question', entry.question));
    const copy = el('button', 'copy', 'Copy');
    copy.type = 'button';
    copy.title = 'Copy the answer with its evidence';
    copy.addEventListener('click', () => vscode.postMessage({ type: 'copy', askId: entry.id }));
    head.appendChild(copy);
    li.appendChild(head);
    // With no model installed the tokens are the reference model's and mean nothing.
    if (entry.noModel) {
      li.appendChild(el('div', 'answer-no-model', NO_MODEL_ANSWER));
    } else {
      const text = el('div', 'answer-text', entry.text);
      if (entry.state === 'streaming') text.appendChild(el('span', 'cursor', '▍'));
      li.appendChild(text);
    }
    if (entry.state === 'failed' || entry.state === 'cancelled') {
      li.appendChild(
        el(
          'div',
          'answer-error',
          (entry.state === 'cancelled' ? 'Cancelled: ' : 'Failed: ') + (entry.error || ''),
        ),
      );
    }
    const meta = [];
    if (typeof entry.tokens === 'number' && !entry.noModel) meta.push(entry.tokens + ' tokens');
    if (typeof entry.totalMs === 'number') meta.push((entry.totalMs / 1000).toFixed(1) + ' s');
    if (entry.truncated) meta.push('cut at the token limit');
    if (meta.length) li.appendChild(el('div', 'answer-meta', meta.join(' · ')));
    if (entry.evidence.length) {
      const list = el('ul', 'evidence');
      entry.evidence.forEach((e, index) => {
        const item = el('li', 'evidence-item');
        const thumb = state.thumbs[entry.id + ':' + index];
        if (thumb) {
          const img = el('img', 'thumb');
          img.src = thumb;
          img.alt = 'frame at ' + timestamp(e.timeSec);
          item.appendChild(img);
        }
        const link = el('a', 'timestamp', timestamp(e.timeSec));
        link.href = '#';
        link.title = 'Show this frame';
        link.addEventListener('click', (event) => {
          event.preventDefault();
          vscode.postMessage({ type: 'showFrame', askId: entry.id, index: index });
        });
        item.appendChild(link);
        const detail = [];
        if (typeof e.score === 'number') detail.push('score ' + e.score.toFixed(2));
        if (e.reason) detail.push(e.reason);
        if (detail.length) item.appendChild(el('span', 'evidence-detail', detail.join(' · ')));
        if (e.text) item.appendChild(el('div', 'evidence-text', e.text));
        list.appendChild(item);
      });
      li.appendChild(list);
    }
    return li;
  }

  function render() {
    document.getElementById('banner').hidden = !state.referenceModel;
    const select = document.getElementById('stream-select');
    select.replaceChildren();
    state.streams.forEach((s) => {
      const option = el('option', '', s.label);
      option.value = s.key;
      option.selected = s.key === state.selected;
      select.appendChild(option);
    });
    select.disabled = state.streams.length === 0;
    document.getElementById('empty').hidden = state.entries.length > 0;
    const list = document.getElementById('answers');
    list.replaceChildren.apply(list, state.entries.map(renderEntry));
  }

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (!m || typeof m.type !== 'string') return;
    if (m.type === 'state') {
      state = {
        streams: m.streams,
        selected: m.selected,
        entries: m.entries,
        referenceModel: m.referenceModel,
        thumbs: state.selected === m.selected ? state.thumbs : {},
      };
    } else if (m.type === 'token') {
      const entry = state.entries.find((e) => e.id === m.askId);
      if (!entry) return;
      entry.text = m.text;
    } else if (m.type === 'thumb') {
      state.thumbs[m.askId + ':' + m.index] = m.dataUri;
    } else {
      return;
    }
    vscode.setState(state);
    render();
  });

  document
    .getElementById('select-model')
    .addEventListener('click', () => vscode.postMessage({ type: 'selectModel' }));
  document
    .getElementById('download-model')
    .addEventListener('click', () => vscode.postMessage({ type: 'downloadModel' }));
  document
    .getElementById('stream-select')
    .addEventListener('change', (event) =>
      vscode.postMessage({ type: 'selectStream', streamKey: event.target.value }),
    );

  render();
  vscode.postMessage({ type: 'ready' });
})();
