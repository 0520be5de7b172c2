// The answers view's script: a conversation per stream. The host posts {type:'state'} with
// the selected stream's answers (newest first; shown oldest first, like a chat),
// {type:'token'} for each streamed chunk and {type:'thumb'} when a frame thumbnail is ready.
// The question box at the bottom asks follow-ups; an image pasted or dropped here is sent
// to the host as bytes, a video dropped from the Explorer as its URI. Everything is built
// with DOM calls (answers and on-screen text are untrusted).
(function () {
  'use strict';

  const vscode = acquireVsCodeApi();
  let state = vscode.getState() || {};
  state = Object.assign(
    { streams: [], selected: null, entries: [], referenceModel: false, thumbs: {}, showAll: {} },
    state,
  );
  /** The image waiting for a question: {name, mimeType, base64, thumbnail}. Not persisted. */
  let attachment = null;

  const NO_MODEL_ANSWER =
    'No answer: no model is installed. The evidence is what the built-in encoder found, with the on-screen text of each frame.';
  /** Larger pastes are refused here with a message (the server takes up to 48 MiB). */
  const MAX_IMAGE_BYTES = 32 * 1024 * 1024;
  const VIDEO_EXT = /\.(mp4|m4v|mov|mkv|webm|avi|mpg|mpeg|ts|flv|wmv|3gp|ogv)$/i;
  const REASONS = {
    sink: 'In the attention sink, the part of the cache that is never evicted',
    recent: 'In the recent window: the last frames encoded are always in the context',
    retrieved: 'Brought back from the offloaded tier because its attention score was high',
    text: 'Its on-screen text matched the question',
    time: 'Near the moment the question names',
  };

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

  /** Most relevant first, ties in time order; the host sorts the same way. */
  function byRelevance(a, b) {
    const sa = typeof a.e.score === 'number' ? a.e.score : -1;
    const sb = typeof b.e.score === 'number' ? b.e.score : -1;
    return sb - sa || a.e.timeSec - b.e.timeSec;
  }

  function renderEvidenceItem(entry, e, index) {
    const item = el('li', 'evidence-item');
    item.dataset.reason = e.reason || '';
    item.dataset.score = typeof e.score === 'number' ? String(e.score) : '';
    const thumb = state.thumbs[entry.id + ':' + index];
    if (thumb) {
      const img = el('img', 'thumb');
      img.src = thumb;
      img.alt = 'frame at ' + timestamp(e.timeSec);
      item.appendChild(img);
    } else {
      item.appendChild(el('div', 'thumb thumb-pending'));
    }
    const line = el('div', 'evidence-line');
    const link = el('a', 'timestamp', timestamp(e.timeSec));
    link.href = '#';
    link.title = 'Show this moment';
    link.addEventListener('click', (event) => {
      event.preventDefault();
      vscode.postMessage({ type: 'showFrame', askId: entry.id, index: index });
    });
    line.appendChild(link);
    if (e.reason) {
      const reason = el('span', 'reason reason-' + e.reason, e.reason);
      reason.title = REASONS[e.reason] || '';
      line.appendChild(reason);
    }
    if (typeof e.score === 'number')
      line.appendChild(el('span', 'evidence-detail', 'score ' + e.score.toFixed(2)));
    item.appendChild(line);
    if (e.text) item.appendChild(el('div', 'evidence-text', e.text));
    return item;
  }

  function renderEvidence(entry) {
    const wrap = el('div', 'evidence-wrap');
    const items = entry.evidence.map((e, index) => ({ e: e, index: index })).sort(byRelevance);
    const hidden = items.filter((x) => x.e.score === 0).length;
    const showAll = !!state.showAll[entry.id];
    const list = el('ul', 'evidence');
    items
      .filter((x) => showAll || x.e.score !== 0)
      .forEach((x) => list.appendChild(renderEvidenceItem(entry, x.e, x.index)));
    wrap.appendChild(list);
    if (hidden > 0) {
      const toggle = el(
        'button',
        'show-all secondary',
        showAll ? 'Show fewer' : 'Show all (' + items.length + ')',
      );
      toggle.type = 'button';
      toggle.title = showAll
        ? 'Hide the frames no scorer found anything in'
        : hidden + ' frames with score 0 are hidden: no scorer found anything in them';
      toggle.addEventListener('click', () => {
        state.showAll[entry.id] = !showAll;
        vscode.setState(state);
        render();
      });
      wrap.appendChild(toggle);
    }
    return wrap;
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
    if (entry.coverage) meta.push('answered ' + entry.coverage);
    if (typeof entry.tokens === 'number' && !entry.noModel) meta.push(entry.tokens + ' tokens');
    if (typeof entry.totalMs === 'number') meta.push((entry.totalMs / 1000).toFixed(1) + ' s');
    if (entry.truncated) meta.push('cut at the token limit');
    if (meta.length) li.appendChild(el('div', 'answer-meta', meta.join(' · ')));
    if (entry.evidence.length) li.appendChild(renderEvidence(entry));
    return li;
  }

  function selectedStream() {
    return state.streams.find((s) => s.key === state.selected);
  }

  function renderInput() {
    const stream = selectedStream();
    const question = document.getElementById('question');
    question.placeholder = attachment
      ? 'Ask about ' + attachment.name + '… (Enter to ask)'
      : stream
        ? 'Ask about ' + stream.label + '… (Enter to ask, Shift+Enter for a new line)'
        : 'Paste or drop an image or a video, then ask…';
    document.getElementById('attachment').hidden = !attachment;
    if (attachment) {
      document.getElementById('attachment-name').textContent = attachment.name;
      const thumb = document.getElementById('attachment-thumb');
      thumb.hidden = !attachment.thumbnail;
      if (attachment.thumbnail) thumb.src = attachment.thumbnail;
    }
    document.getElementById('ask-send').disabled = !stream && !attachment;
  }

  function render() {
    const nearBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 40;
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
    // A conversation reads top to bottom: the oldest question first, the input below the newest.
    list.replaceChildren.apply(list, state.entries.slice().reverse().map(renderEntry));
    renderInput();
    if (nearBottom) window.scrollTo(0, document.body.scrollHeight);
  }

  function hint(text) {
    const node = document.getElementById('ask-hint');
    node.textContent = text;
    node.classList.add('hint-warning');
  }

  function submit() {
    const box = document.getElementById('question');
    const question = box.value.trim();
    if (!question) {
      hint(attachment ? 'Type a question about the image' : 'Type a question');
      return;
    }
    if (attachment) {
      vscode.postMessage({ type: 'askImage', question: question, image: attachment });
      attachment = null;
    } else if (selectedStream()) {
      vscode.postMessage({ type: 'ask', streamKey: state.selected, question: question });
    } else {
      hint('Ask about a video or an image first, or paste or drop one here');
      return;
    }
    box.value = '';
    renderInput();
  }

  /** A small JPEG of the image for the view (drawn here, so the host needs no image library). */
  function thumbnailOf(dataUrl) {
    return new Promise((resolve) => {
      const img = new Image();
      img.onload = () => {
        const width = Math.min(192, img.naturalWidth);
        const canvas = document.createElement('canvas');
        canvas.width = width;
        canvas.height = Math.max(1, Math.round((img.naturalHeight * width) / img.naturalWidth));
        canvas.getContext('2d').drawImage(img, 0, 0, canvas.width, canvas.height);
        resolve(canvas.toDataURL('image/jpeg', 0.8));
      };
      img.onerror = () => resolve(undefined);
      img.src = dataUrl;
    });
  }

  function attachImage(file) {
    if (file.size > MAX_IMAGE_BYTES) {
      vscode.postMessage({
        type: 'error',
        message:
          'the image ' +
          (file.name || 'pasted') +
          ' is ' +
          (file.size / 1048576).toFixed(1) +
          ' MiB; at most 32 MiB can be pasted or dropped',
      });
      return;
    }
    const reader = new FileReader();
    reader.onload = async () => {
      const dataUrl = String(reader.result);
      const comma = dataUrl.indexOf(',');
      attachment = {
        name: file.name || 'pasted image',
        mimeType: file.type || 'image/png',
        base64: dataUrl.slice(comma + 1),
        thumbnail: await thumbnailOf(dataUrl),
      };
      renderInput();
      document.getElementById('question').focus();
      // A question already typed is asked right away.
      if (document.getElementById('question').value.trim()) submit();
    };
    reader.readAsDataURL(file);
  }

  function imageFiles(list) {
    return Array.from(list || []).filter((f) => f && /^image\//.test(f.type));
  }

  /** URIs from a drop: the Explorer gives text/uri-list (VS Code's own list type too). */
  function droppedUris(data) {
    const text = data.getData('text/uri-list') || data.getData('application/vnd.code.uri-list');
    if (!text) return [];
    let lines = [];
    try {
      const parsed = JSON.parse(text);
      lines = Array.isArray(parsed) ? parsed : [];
    } catch {
      lines = text.split(/\r?\n/);
    }
    return lines.map((l) => String(l).trim()).filter((l) => l && !l.startsWith('#'));
  }

  document.addEventListener('paste', (event) => {
    const files = imageFiles(
      Array.from(event.clipboardData ? event.clipboardData.items : [])
        .filter((item) => item.kind === 'file')
        .map((item) => item.getAsFile()),
    );
    if (!files.length) return; // text pastes go into the question box as usual
    event.preventDefault();
    attachImage(files[0]);
  });

  const overlay = document.getElementById('drop-overlay');
  document.addEventListener('dragover', (event) => {
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    overlay.hidden = false;
  });
  document.addEventListener('dragleave', (event) => {
    if (!event.relatedTarget) overlay.hidden = true;
  });
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    overlay.hidden = true;
    const data = event.dataTransfer;
    if (!data) return;
    const question = document.getElementById('question').value.trim();
    const uris = droppedUris(data);
    if (uris.length) {
      vscode.postMessage({ type: 'askUri', uri: uris[0], question: question });
      document.getElementById('question').value = '';
      return;
    }
    const files = Array.from(data.files || []);
    const images = imageFiles(files);
    if (images.length) return attachImage(images[0]);
    if (files.some((f) => VIDEO_EXT.test(f.name) || /^video\//.test(f.type))) {
      vscode.postMessage({
        type: 'error',
        message:
          'a video dropped from outside VS Code has no path here; drop it from the Explorer (hold Shift) or use Ask About Video…',
      });
      return;
    }
    if (files.length)
      vscode.postMessage({
        type: 'error',
        message: 'the dropped file ' + files[0].name + ' is neither an image nor a video',
      });
  });

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
        showAll: state.showAll || {},
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
  document.getElementById('ask-form').addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  document.getElementById('question').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  document.getElementById('attachment-remove').addEventListener('click', () => {
    attachment = null;
    renderInput();
  });

  render();
  vscode.postMessage({ type: 'ready' });
})();
