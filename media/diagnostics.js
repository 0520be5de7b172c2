// The diagnostics panel's script. It receives PanelMessage objects from the extension
// (client/diagnostics/messages.ts), keeps the picture in webview state (getState/setState)
// so it survives being hidden, and redraws with DOM calls only (no innerHTML), as the CSP
// and untrusted stream labels require.
(function () {
  'use strict';

  const vscode = acquireVsCodeApi();
  const SERIES_LIMIT = 120;

  /** The whole picture; saved with setState after every message. */
  let state = vscode.getState() || emptyState();

  function emptyState() {
    return {
      budgets: null,
      engine: null,
      streams: {},
      stats: {},
      memoryBytes: 0,
      lastAsk: null,
      series: { ttft: [], tpot: [], encodeFps: [] },
      /** Per stream: [atMs, sink bytes, recent bytes, offloaded bytes (RAM + disk)]. */
      tierBytes: {},
      selected: null,
      /** True once the user picked a stream; until then the panel follows the encoding one. */
      pinned: false,
    };
  }

  // ---- applying messages -------------------------------------------------------------

  function apply(message) {
    switch (message.type) {
      case 'replay': {
        const pinned = state.pinned;
        state = emptyState();
        state.selected = previousSelection;
        state.pinned = pinned;
        message.messages.forEach(apply);
        return;
      }
      case 'budgets':
        state.budgets = message.budgets;
        return;
      case 'engine':
        state.engine = message.status;
        return;
      case 'stream':
        applyStream(message.stream);
        return;
      case 'stats':
        state.memoryBytes = message.stats.memoryBytes;
        message.stats.streams.forEach((s) => {
          state.stats[s.streamId] = s;
          if (typeof s.encodeFps === 'number') push('encodeFps', message.atMs, s.encodeFps);
          pushTierBytes(s, message.atMs);
        });
        if (!state.selected) state.selected = firstStreamId();
        return;
      case 'ask':
        state.lastAsk = {
          streamId: message.streamId,
          retrieved: message.retrieved,
          tokens: message.tokens,
        };
        push('ttft', message.atMs, message.ttftMs);
        if (typeof message.tpotMs === 'number') push('tpot', message.atMs, message.tpotMs);
        return;
    }
  }

  let previousSelection = state.selected;

  /**
   * A closed stream leaves the picker with everything drawn for it. A stream that starts
   * receiving frames becomes the selection unless the user picked one themselves.
   */
  function applyStream(stream) {
    const id = stream.streamId;
    if (stream.state === 'closed') {
      delete state.streams[id];
      delete state.stats[id];
      delete state.tierBytes[id];
      if (state.selected === id) {
        state.selected = null;
        state.pinned = false;
      }
    } else {
      state.streams[id] = stream;
      const receiving = stream.state === 'opening' || stream.state === 'encoding';
      if (receiving && !state.pinned) state.selected = id;
    }
    if (!state.selected || !(state.streams[state.selected] || state.stats[state.selected])) {
      state.selected = firstStreamId();
    }
  }

  function pushTierBytes(s, atMs) {
    const list = state.tierBytes[s.streamId] || (state.tierBytes[s.streamId] = []);
    const offloaded = (s.retrievable.inRamBytes || 0) + (s.retrievable.onDiskBytes || 0);
    list.push([atMs, s.sink.bytes || 0, s.recent.bytes || 0, offloaded]);
    if (list.length > SERIES_LIMIT) list.splice(0, list.length - SERIES_LIMIT);
  }

  function push(series, atMs, value) {
    const list = state.series[series];
    list.push([atMs, value]);
    if (list.length > SERIES_LIMIT) list.splice(0, list.length - SERIES_LIMIT);
  }

  function firstStreamId() {
    const ids = Object.keys(state.streams).concat(Object.keys(state.stats));
    return ids.length ? ids[0] : null;
  }

  /** A stream's file name (a live source's label); the folder is added where two share one. */
  function streamNames() {
    const ids = Object.keys(state.streams);
    const base = {};
    ids.forEach((id) => (base[id] = fileName(state.streams[id])));
    const names = {};
    ids.forEach((id) => {
      const same = ids.filter((other) => base[other] === base[id]);
      if (same.length === 1) return (names[id] = base[id]);
      const folder = parentFolder(state.streams[id]);
      const withFolder = folder ? base[id] + ' — ' + folder : base[id];
      const clash = same.filter((o) => o !== id && parentFolder(state.streams[o]) === folder);
      names[id] = clash.length ? withFolder + ' (' + (same.indexOf(id) + 1) + ')' : withFolder;
    });
    return names;
  }

  function pathParts(stream) {
    const uri = stream.source && stream.source.kind === 'file' ? stream.source.uri : '';
    if (!uri) return [];
    let path = uri;
    try {
      path = decodeURIComponent(new URL(uri).pathname);
    } catch {
      // A plain path rather than a URI.
    }
    return path.split(/[\\/]/).filter(Boolean);
  }

  function fileName(stream) {
    const parts = pathParts(stream);
    return parts.length ? parts[parts.length - 1] : stream.label || 'live source';
  }

  function parentFolder(stream) {
    const parts = pathParts(stream);
    return parts.length > 1 ? parts[parts.length - 2] : '';
  }

  // ---- formatting (mirrors client/format.ts) -----------------------------------------

  function bytes(n) {
    if (typeof n !== 'number' || !isFinite(n) || n < 0) return '?';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let v = n;
    let u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u === 0 ? v + ' B' : v.toFixed(1) + ' ' + units[u];
  }

  function tokens(n) {
    if (n < 1000) return Math.round(n) + ' tokens';
    return (n / 1000).toFixed(1) + 'k tokens';
  }

  function seconds(s) {
    const m = Math.floor(s / 60);
    const rest = (s % 60).toFixed(1).padStart(4, '0');
    return m + ':' + rest;
  }

  function ms(v) {
    return v < 1000 ? Math.round(v) + ' ms' : (v / 1000).toFixed(2) + ' s';
  }

  // ---- DOM helpers -------------------------------------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach((k) => node.setAttribute(k, String(attrs[k])));
    return node;
  }

  /** A labelled bar: value against budget; over budget turns the bar into a warning. */
  function bar(id, label, value, budget, detail) {
    const row = el('div', 'bar-row');
    row.dataset.tier = id;
    const ratio = budget > 0 ? value / budget : 0;
    row.appendChild(el('span', 'bar-label', label));
    const track = el('div', 'bar-track');
    track.setAttribute('role', 'meter');
    track.setAttribute('aria-label', label);
    track.setAttribute('aria-valuenow', String(value));
    track.setAttribute('aria-valuemax', String(budget));
    const fill = el('div', 'bar-fill tier-' + id + (ratio > 1 ? ' over' : ''));
    fill.style.width = Math.min(100, Math.max(0, ratio * 100)).toFixed(1) + '%';
    track.appendChild(fill);
    row.appendChild(track);
    row.appendChild(el('span', 'bar-detail', detail));
    return row;
  }

  // ---- sections ----------------------------------------------------------------------

  function renderHeader() {
    const select = document.getElementById('stream-select');
    select.replaceChildren();
    // Only streams the server still has; a raw id is never shown.
    const names = streamNames();
    const ids = Object.keys(state.streams);
    ids.forEach((id) => {
      const stream = state.streams[id];
      const option = el('option', '', names[id] + ' (' + stream.state + ')');
      option.title = (stream.source && stream.source.uri) || stream.label || '';
      option.value = id;
      option.selected = id === state.selected;
      select.appendChild(option);
    });
    select.disabled = ids.length === 0;
    const engine = document.getElementById('engine');
    const status = state.engine;
    engine.textContent = status ? status.message || status.state : 'waiting for the server…';
    engine.className = 'engine state-' + (status ? status.state : 'unknown');
  }

  function renderTiers() {
    const root = document.getElementById('tiers');
    root.replaceChildren();
    const s = state.stats[state.selected];
    const b = state.budgets;
    if (!s || !b) {
      root.appendChild(
        el('p', 'empty', 'No cache statistics yet: open a stream and they appear here.'),
      );
      return;
    }
    const perBlock = s.recent.blocks > 0 ? s.recent.tokens / s.recent.blocks : 0;
    const retrieved = lastRetrievedFor(state.selected);
    const retrievedTokens = Math.round(retrieved.length * perBlock);
    const residentBytes = s.sink.bytes + s.recent.bytes + s.retrievable.inRamBytes;
    root.appendChild(
      bar(
        'sink',
        'Sink',
        s.sink.tokens,
        b.sinkTokens,
        tokens(s.sink.tokens) + ' / ' + tokens(b.sinkTokens) + ' · ' + bytes(s.sink.bytes),
      ),
    );
    root.appendChild(
      bar(
        'recent',
        'Recent',
        s.recent.blocks,
        b.recentBlocks,
        s.recent.blocks +
          ' / ' +
          b.recentBlocks +
          ' frames · ' +
          tokens(s.recent.tokens) +
          ' · ' +
          bytes(s.recent.bytes),
      ),
    );
    root.appendChild(
      bar(
        'retrieved',
        'Retrieved',
        retrieved.length,
        b.topK,
        retrieved.length + ' / ' + b.topK + ' blocks · ' + tokens(retrievedTokens),
      ),
    );
    root.appendChild(
      bar(
        'ram',
        'RAM',
        residentBytes,
        b.memoryBytes,
        bytes(residentBytes) +
          ' / ' +
          bytes(b.memoryBytes) +
          ' · ' +
          s.retrievable.blocks +
          ' offloaded blocks',
      ),
    );
    root.appendChild(
      bar(
        'disk',
        'Disk',
        s.retrievable.onDiskBytes,
        b.diskBytes,
        bytes(s.retrievable.onDiskBytes) + ' / ' + bytes(b.diskBytes),
      ),
    );
    if (typeof s.positionsUsed === 'number' && typeof s.positionsMax === 'number') {
      // A budget of 0 means "the model's own limit".
      const limit =
        b.maxContextTokens > 0 ? Math.min(s.positionsMax, b.maxContextTokens) : s.positionsMax;
      root.appendChild(
        bar(
          'context',
          'Context',
          s.positionsUsed,
          limit,
          s.positionsUsed + ' / ' + limit + ' positions',
        ),
      );
    }
  }

  function lastRetrievedFor(streamId) {
    const ask = state.lastAsk;
    if (ask && ask.streamId === streamId) return ask.retrieved;
    const s = state.stats[streamId];
    return (s && s.lastRetrieved) || [];
  }

  /**
   * The stream's blocks in time order, coloured by tier. With `stats.blocks` (servers that
   * send it) each block sits at its own time with its exact tier (sink, recent, offloaded in
   * RAM, offloaded on disk); older servers send only counts, so the oldest
   * `retrievable.blocks` are drawn offloaded and the newest `recent.blocks` resident.
   * Blocks the last question retrieved are marked with their scores.
   */
  function timelineBlocks(s) {
    if (Array.isArray(s.blocks)) {
      return s.blocks.map((b) => ({
        frameIndex: b.frameIndex,
        timeSec: b.timeSec,
        kind: b.tier === 'ram' ? 'offloaded' : b.tier === 'recent' ? 'resident' : b.tier,
      }));
    }
    const offloaded = s.retrievable.blocks;
    const total = offloaded + s.recent.blocks;
    return Array.from({ length: total }, (_, i) => ({
      frameIndex: i,
      kind: i < offloaded ? 'offloaded' : 'resident',
    }));
  }

  function renderTimeline() {
    const root = document.getElementById('timeline');
    const legend = document.getElementById('timeline-legend');
    root.replaceChildren();
    legend.replaceChildren();
    const s = state.stats[state.selected];
    if (!s) {
      root.appendChild(el('p', 'empty', 'No frames encoded yet.'));
      return;
    }
    const stream = state.streams[state.selected];
    const blocks = timelineBlocks(s);
    const count = (kind) => blocks.filter((b) => b.kind === kind).length;
    const total = blocks.length;
    const endS = stream ? Math.max(stream.encodedUntilSec, 0.001) : Math.max(total, 1);
    const retrieved = lastRetrievedFor(state.selected);
    // Drawn at the container's own pixel width, so the blocks span it and text is not scaled.
    const width = Math.max(200, Math.floor(root.clientWidth || 600));
    const height = 64;
    const chart = svg('svg', {
      viewBox: '0 0 ' + width + ' ' + height,
      width: width,
      height: height,
      class: 'timeline-svg',
      role: 'img',
      'aria-label':
        'Stream timeline: ' +
        (count('offloaded') + count('disk')) +
        ' offloaded, ' +
        count('resident') +
        ' resident, ' +
        retrieved.length +
        ' retrieved blocks',
    });
    const blockWidth = total > 0 ? width / total : width;
    // Exact blocks sit at their times; counted ones (older servers) are spread evenly.
    const xOf = (b, i) =>
      b.timeSec !== undefined
        ? Math.min(width - blockWidth, (b.timeSec / endS) * width)
        : i * blockWidth;
    blocks.forEach((b, i) => {
      const rect = svg('rect', {
        x: xOf(b, i).toFixed(2),
        y: 18,
        width: Math.max(1, blockWidth - 1).toFixed(2),
        height: 28,
        class: 'block ' + b.kind,
      });
      rect.appendChild(svg('title', {})).textContent =
        b.kind === 'sink'
          ? 'sink: the prompt prefix, never evicted'
          : b.kind +
            ' block, frame ' +
            b.frameIndex +
            (b.timeSec !== undefined ? ' at ' + seconds(b.timeSec) : '');
      chart.appendChild(rect);
    });
    const maxScore = retrieved.reduce((m, r) => Math.max(m, r.score), 0) || 1;
    // Labels that would overlap are left out (the list below has every score); the higher
    // score wins, since it is drawn first.
    const labelled = [];
    const labels = [];
    const byScore = retrieved.slice().sort((a, b) => b.score - a.score);
    retrieved.forEach((r) => {
      const x =
        Array.isArray(s.blocks) || total === 0
          ? (r.timeSec / endS) * width
          : (r.frameIndex + 0.5) * blockWidth;
      const marker = svg('rect', {
        x: (x - Math.max(2, blockWidth / 2)).toFixed(2),
        y: 14,
        width: Math.max(4, blockWidth - 1).toFixed(2),
        height: 36,
        class: 'block retrieved',
      });
      marker.setAttribute('opacity', (0.45 + 0.55 * (r.score / maxScore)).toFixed(2));
      marker.appendChild(svg('title', {})).textContent =
        'retrieved at ' + seconds(r.timeSec) + ', score ' + r.score.toFixed(3);
      chart.appendChild(marker);
      // Near either end the score is anchored inward, so it is never cut off.
      const edge = 16;
      const label = svg('text', {
        x: Math.min(width, Math.max(0, x)).toFixed(2),
        y: 10,
        class: 'score',
        'text-anchor': x < edge ? 'start' : x > width - edge ? 'end' : 'middle',
      });
      label.textContent = r.score.toFixed(2);
      label.dataset.rank = String(byScore.indexOf(r));
      labels.push({ x: x, node: label });
    });
    labels
      .sort((a, b) => Number(a.node.dataset.rank) - Number(b.node.dataset.rank))
      .forEach((l) => {
        if (labelled.some((x) => Math.abs(x - l.x) < 28)) return;
        labelled.push(l.x);
        chart.appendChild(l.node);
      });
    const axis = svg('text', { x: 0, y: 62, class: 'axis' });
    axis.textContent = '0:00.0';
    chart.appendChild(axis);
    const axisEnd = svg('text', { x: width, y: 62, class: 'axis', 'text-anchor': 'end' });
    axisEnd.textContent = seconds(endS);
    chart.appendChild(axisEnd);
    root.appendChild(chart);

    [
      ['sink', 'sink (' + count('sink') + ')'],
      ['offloaded', 'offloaded in RAM (' + count('offloaded') + ')'],
      ['disk', 'offloaded on disk (' + count('disk') + ')'],
      ['resident', 'recent (' + count('resident') + ')'],
      ['retrieved', 'retrieved by last question (' + retrieved.length + ')'],
    ].forEach((pair) => {
      const item = el('span', 'legend-item');
      item.appendChild(el('span', 'swatch ' + pair[0]));
      item.appendChild(document.createTextNode(pair[1]));
      legend.appendChild(item);
    });
    const list = el('ol', 'retrieved-list');
    retrieved.forEach((r) => {
      const li = el('li');
      const link = el('a', 'timestamp', seconds(r.timeSec));
      link.href = '#';
      link.addEventListener('click', (event) => {
        event.preventDefault();
        vscode.postMessage({ type: 'showFrame', streamId: state.selected, timeSec: r.timeSec });
      });
      li.appendChild(link);
      li.appendChild(
        document.createTextNode(' frame ' + r.frameIndex + ', score ' + r.score.toFixed(3)),
      );
      list.appendChild(li);
    });
    if (retrieved.length) legend.appendChild(list);
  }

  function sparkline(name, series, format) {
    const card = el('div', 'metric');
    card.dataset.metric = name;
    const latest = series.length ? series[series.length - 1][1] : null;
    card.appendChild(el('div', 'metric-name', name));
    card.appendChild(el('div', 'metric-value', latest === null ? '–' : format(latest)));
    const w = 180;
    const h = 40;
    const chart = svg('svg', {
      viewBox: '0 0 ' + w + ' ' + h,
      class: 'sparkline',
      preserveAspectRatio: 'none',
      'aria-hidden': 'true',
    });
    if (series.length > 1) {
      const max = series.reduce((m, p) => Math.max(m, p[1]), 0) || 1;
      const points = series.map(
        (p, i) =>
          ((i / (series.length - 1)) * w).toFixed(1) +
          ',' +
          (h - 2 - (p[1] / max) * (h - 4)).toFixed(1),
      );
      chart.appendChild(svg('polyline', { points: points.join(' '), class: 'line' }));
    }
    card.appendChild(chart);
    return card;
  }

  function renderMetrics() {
    const root = document.getElementById('metrics');
    root.replaceChildren(
      sparkline('Time to first token', state.series.ttft, ms),
      sparkline('Time per output token', state.series.tpot, ms),
      sparkline('Encode frames/s', state.series.encodeFps, (v) => v.toFixed(1) + ' fps'),
    );
  }

  function renderGateAndMemory() {
    const root = document.getElementById('gate');
    root.replaceChildren();
    const stream = state.streams[state.selected];
    if (stream && stream.framesDecoded > 0) {
      const ratio = stream.framesSkipped / stream.framesDecoded;
      root.appendChild(
        bar(
          'gate',
          'Gate skips',
          stream.framesSkipped,
          stream.framesDecoded,
          Math.round(ratio * 100) +
            '% skipped · ' +
            stream.framesSkipped +
            ' of ' +
            stream.framesDecoded +
            ' frames',
        ),
      );
    } else {
      root.appendChild(el('p', 'empty', 'Frame gate: no frames decoded yet.'));
    }
    if (state.budgets) {
      const used = state.memoryBytes || (state.engine && state.engine.memoryBytes) || 0;
      root.appendChild(
        bar(
          'memory',
          'Memory',
          used,
          state.budgets.memoryBytes,
          bytes(used) + ' / ' + bytes(state.budgets.memoryBytes),
        ),
      );
    }
  }

  const TIERS = [
    ['sink', 'sinks', 1],
    ['recent', 'recent', 2],
    ['offloaded', 'offloaded', 3],
  ];

  /** Bytes per tier over time for the selected stream: one path per tier, shared scale. */
  function renderTierBytes() {
    const root = document.getElementById('tier-bytes');
    const legend = document.getElementById('tier-bytes-legend');
    root.replaceChildren();
    legend.replaceChildren();
    const series = state.tierBytes[state.selected] || [];
    if (series.length === 0) {
      root.appendChild(el('p', 'empty', 'No cache statistics yet.'));
      return;
    }
    const width = Math.max(200, Math.floor(root.clientWidth || 600));
    const height = 120;
    const top = 14;
    const bottom = height - 16;
    const max = series.reduce((m, p) => Math.max(m, p[1], p[2], p[3]), 0) || 1;
    const t0 = series[0][0];
    const span = Math.max(1, series[series.length - 1][0] - t0);
    const chart = svg('svg', {
      viewBox: '0 0 ' + width + ' ' + height,
      width: width,
      height: height,
      class: 'tier-bytes-svg',
      role: 'img',
      'aria-label': 'Bytes per tier over time, up to ' + bytes(max),
    });
    chart.appendChild(
      svg('line', { x1: 0, y1: bottom, x2: width, y2: bottom, class: 'axis-line' }),
    );
    TIERS.forEach((tier) => {
      const d = series
        .map((p, i) => {
          const x = series.length === 1 ? width / 2 : ((p[0] - t0) / span) * width;
          const y = bottom - (p[tier[2]] / max) * (bottom - top);
          return (i === 0 ? 'M' : 'L') + x.toFixed(1) + ',' + y.toFixed(1);
        })
        .join(' ');
      const path = svg('path', { d: d, class: 'tier-path ' + tier[0] });
      path.dataset.tier = tier[0];
      chart.appendChild(path);
    });
    const maxLabel = svg('text', { x: 0, y: 10, class: 'axis' });
    maxLabel.textContent = bytes(max);
    chart.appendChild(maxLabel);
    const spanLabel = svg('text', { x: width, y: height - 2, class: 'axis', 'text-anchor': 'end' });
    spanLabel.textContent = 'last ' + seconds(span / 1000);
    chart.appendChild(spanLabel);
    root.appendChild(chart);
    const last = series[series.length - 1];
    TIERS.forEach((tier) => {
      const item = el('span', 'legend-item');
      item.appendChild(el('span', 'swatch line-' + tier[0]));
      item.appendChild(document.createTextNode(tier[1] + ' ' + bytes(last[tier[2]])));
      legend.appendChild(item);
    });
  }

  function render() {
    renderHeader();
    renderTiers();
    renderTimeline();
    renderTierBytes();
    renderMetrics();
    renderGateAndMemory();
  }

  // ---- wiring ------------------------------------------------------------------------

  document.getElementById('stream-select').addEventListener('change', (event) => {
    state.selected = event.target.value;
    state.pinned = true;
    previousSelection = state.selected;
    vscode.setState(state);
    render();
  });

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || typeof message.type !== 'string') return;
    previousSelection = state.selected;
    apply(message);
    vscode.setState(state);
    render();
  });

  // The charts are drawn at the panel's width; redraw when it changes.
  let resizeTimer = 0;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(render, 50);
  });

  if (!state.tierBytes) state.tierBytes = {};
  render();
  vscode.postMessage({ type: 'ready' });
})();
