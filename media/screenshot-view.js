// The screenshot view's script. The host posts {type:'image'} (the picture), {type:'busy'},
// {type:'analysis'} (boxes as percentages of the image, so they scale with it, and the
// rows of the results table) and {type:'error'}. A pasted (Ctrl/Cmd+V) or dropped image is
// read here, in the webview, and its bytes go to the host as base64: no clipboard tool is
// needed, so it works in the web build too. Text from the image is untrusted: DOM calls only.
(function () {
  'use strict';

  const vscode = acquireVsCodeApi();
  const $ = (id) => document.getElementById(id);
  const stage = $('stage');
  const image = $('image');
  const boxes = $('boxes');
  const tip = $('tip');
  const status = $('status');
  /** Larger images are refused here, before their base64 crosses to the server. */
  const MAX_BYTES = 48 * 1024 * 1024;
  const IMAGE_TYPES = /^image\/(png|jpeg|webp|gif|bmp|tiff)$/;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setStatus(text, isError) {
    status.textContent = text;
    status.classList.toggle('error', !!isError);
  }

  function showImage(src) {
    image.src = src;
    stage.hidden = false;
    boxes.replaceChildren();
  }

  function sendImage(file) {
    if (!IMAGE_TYPES.test(file.type)) {
      setStatus(
        (file.name || 'The pasted item') +
          ' is not an image the analyser reads (' +
          (file.type || 'unknown type') +
          '); use PNG, JPEG, WebP, GIF, BMP or TIFF.',
        true,
      );
      return;
    }
    if (file.size > MAX_BYTES) {
      setStatus(
        (file.name || 'The pasted image') +
          ' is ' +
          (file.size / 1048576).toFixed(1) +
          ' MiB; at most 48 MiB is analysed.',
        true,
      );
      return;
    }
    const reader = new FileReader();
    reader.onload = () => {
      const dataUrl = String(reader.result);
      showImage(dataUrl);
      vscode.postMessage({
        type: 'paste',
        base64: dataUrl.slice(dataUrl.indexOf(',') + 1),
        mimeType: file.type,
        name: file.name && file.name !== 'image.png' ? file.name : 'pasted image',
      });
    };
    reader.onerror = () => setStatus('Cannot read ' + (file.name || 'the pasted image'), true);
    reader.readAsDataURL(file);
  }

  function firstImage(items) {
    for (const item of items || []) {
      if (item.kind === 'file' && item.type.startsWith('image/')) return item.getAsFile();
    }
    return undefined;
  }

  document.addEventListener('paste', (event) => {
    if (event.target instanceof HTMLInputElement) return;
    const file = firstImage(event.clipboardData && event.clipboardData.items);
    if (!file) {
      setStatus('The clipboard holds no image; copy a screenshot first.', true);
      return;
    }
    event.preventDefault();
    sendImage(file);
  });

  document.addEventListener('dragover', (event) => {
    event.preventDefault();
    document.body.classList.add('dragging');
  });
  document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    document.body.classList.remove('dragging');
    const files = event.dataTransfer ? [...event.dataTransfer.files] : [];
    const file = files.find((f) => f.type.startsWith('image/')) || files[0];
    if (file) sendImage(file);
    else setStatus('Drop an image file (PNG, JPEG, WebP, GIF, BMP or TIFF).', true);
  });

  function percent(v) {
    return v.toFixed(4) + '%';
  }

  function showTip(box, b) {
    tip.replaceChildren(
      el('div', 'text', b.text),
      el('div', 'role', b.role + ' · confidence ' + b.confidence.toFixed(2)),
    );
    tip.hidden = false;
    tip.style.left = percent(b.pct.left);
    tip.style.top = 'calc(' + percent(b.pct.top + b.pct.height) + ' + 4px)';
  }

  function renderBoxes(list, querying) {
    boxes.replaceChildren();
    stage.classList.toggle('querying', querying);
    for (const b of list) {
      const box = el('div', 'box');
      if (b.matchRank > 0) box.classList.add('match');
      if (b.matchRank === 1) box.classList.add('best');
      box.style.left = percent(b.pct.left);
      box.style.top = percent(b.pct.top);
      box.style.width = percent(b.pct.width);
      box.style.height = percent(b.pct.height);
      box.dataset.text = b.text;
      box.dataset.role = b.role;
      box.setAttribute('aria-label', b.text + ' (' + b.role + ')');
      box.addEventListener('mouseenter', () => showTip(box, b));
      box.addEventListener('mouseleave', () => (tip.hidden = true));
      boxes.appendChild(box);
    }
  }

  function renderRows(rows, query) {
    const title = $('results-title');
    const table = $('results');
    title.textContent = query ? 'Matches for "' + query + '"' : 'Text elements';
    title.hidden = false;
    table.hidden = rows.length === 0;
    const body = table.querySelector('tbody');
    body.replaceChildren();
    for (const r of rows) {
      const tr = el('tr');
      tr.appendChild(el('td', 'text', r.text));
      tr.appendChild(el('td', 'role', r.role));
      tr.appendChild(el('td', 'num', r.confidence.toFixed(2)));
      tr.appendChild(el('td', 'num', r.x + ', ' + r.y));
      body.appendChild(tr);
    }
  }

  $('query-form').addEventListener('submit', (event) => {
    event.preventDefault();
    vscode.postMessage({ type: 'query', text: $('query').value });
  });
  $('copy-json').addEventListener('click', () =>
    vscode.postMessage({ type: 'copy', what: 'json' }),
  );
  $('copy-text').addEventListener('click', () =>
    vscode.postMessage({ type: 'copy', what: 'text' }),
  );

  window.addEventListener('message', (event) => {
    const m = event.data;
    switch (m.type) {
      case 'image':
        if (image.getAttribute('src') !== m.src) showImage(m.src);
        return;
      case 'busy':
        setStatus(m.text, false);
        return;
      case 'error':
        setStatus(m.text, true);
        return;
      case 'analysis': {
        const found = m.query
          ? m.rows.length +
            ' match' +
            (m.rows.length === 1 ? '' : 'es') +
            ' for "' +
            m.query +
            '"; '
          : '';
        setStatus(
          m.label +
            ': ' +
            m.width +
            ' × ' +
            m.height +
            ' px, ' +
            found +
            m.boxes.length +
            ' text elements, analysed in ' +
            Math.round(m.totalMs) +
            ' ms.',
          false,
        );
        renderBoxes(m.boxes, !!m.query);
        renderRows(m.rows, m.query);
        $('copy-json').disabled = false;
        $('copy-text').disabled = false;
        return;
      }
    }
  });

  vscode.postMessage({ type: 'ready' });
})();
