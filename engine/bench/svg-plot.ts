// Dependency-free SVG charts for the benchmark report: line charts (a figure against
// video length) and grouped bar charts (approaches side by side). Readable in light and
// dark viewers: a white card with dark text.

export interface Series {
  name: string;
  points: Array<[number, number]>;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  logY?: boolean;
}

export interface BarChart {
  title: string;
  yLabel: string;
  groups: string[];
  bars: Array<{ name: string; values: number[] }>;
  logY?: boolean;
}

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { left: 80, right: 170, top: 48, bottom: 56 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

const escapeXml = (text: string) =>
  text.replace(
    /[<>&"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c,
  );

function formatTick(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${+(value / 1e6).toPrecision(3)}M`;
  if (abs >= 1e3) return `${+(value / 1e3).toPrecision(3)}k`;
  return `${+value.toPrecision(3)}`;
}

/** Maps data values to pixels on a linear or log10 axis. */
function axis(min: number, max: number, from: number, to: number, log: boolean) {
  const f = (v: number) => (log ? Math.log10(Math.max(v, 1e-12)) : v);
  let lo = f(min);
  let hi = f(max);
  if (hi - lo < 1e-12) {
    lo -= 1;
    hi += 1;
  }
  const scale = (v: number) => from + ((f(v) - lo) / (hi - lo)) * (to - from);
  const ticks: number[] = [];
  if (log) {
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) ticks.push(10 ** e);
  } else {
    const step = niceStep((hi - lo) / 5);
    for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) ticks.push(t);
  }
  return { scale, ticks: ticks.filter((t) => f(t) >= lo - 1e-9 && f(t) <= hi + 1e-9) };
}

function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalized = raw / magnitude;
  return (normalized < 1.5 ? 1 : normalized < 3 ? 2 : normalized < 7 ? 5 : 10) * magnitude;
}

function frame(title: string, yLabel: string, xLabel: string, body: string[]): string {
  const plotBottom = HEIGHT - MARGIN.bottom;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold" fill="#222">${escapeXml(title)}</text>`,
    `<text x="${(MARGIN.left + WIDTH - MARGIN.right) / 2}" y="${HEIGHT - 14}" text-anchor="middle" fill="#222">${escapeXml(xLabel)}</text>`,
    `<text transform="translate(18 ${(MARGIN.top + plotBottom) / 2}) rotate(-90)" text-anchor="middle" fill="#222">${escapeXml(yLabel)}</text>`,
    ...body,
    `</svg>`,
  ].join('\n');
}

function legend(names: string[]): string[] {
  return names.map((name, i) => {
    const y = MARGIN.top + 8 + i * 20;
    const x = WIDTH - MARGIN.right + 16;
    return `<rect x="${x}" y="${y - 9}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${x + 18}" y="${y + 1}" fill="#222">${escapeXml(name)}</text>`;
  });
}

function yGrid(ticks: number[], scale: (v: number) => number): string[] {
  return ticks.map((t) => {
    const y = scale(t).toFixed(1);
    return `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}" stroke="#ddd"/><text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#444">${formatTick(t)}</text>`;
  });
}

export function renderLineChart(chart: LineChart): string {
  const points = chart.series.flatMap((s) => s.points);
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]).filter((y) => !chart.logY || y > 0);
  const x = axis(Math.min(...xs), Math.max(...xs), MARGIN.left, WIDTH - MARGIN.right, false);
  const yMin = chart.logY ? Math.min(...ys) : Math.min(0, ...ys);
  const y = axis(yMin, Math.max(...ys), HEIGHT - MARGIN.bottom, MARGIN.top, !!chart.logY);
  const body = [...yGrid(y.ticks, y.scale)];
  for (const t of x.ticks) {
    body.push(
      `<text x="${x.scale(t).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle" fill="#444">${formatTick(t)}</text>`,
    );
  }
  chart.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const valid = s.points.filter((p) => !chart.logY || p[1] > 0);
    const path = valid
      .map(([px, py]) => `${x.scale(px).toFixed(1)},${y.scale(py).toFixed(1)}`)
      .join(' ');
    body.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const [px, py] of valid) {
      body.push(
        `<circle cx="${x.scale(px).toFixed(1)}" cy="${y.scale(py).toFixed(1)}" r="3.5" fill="${color}"/>`,
      );
    }
  });
  body.push(...legend(chart.series.map((s) => s.name)));
  return frame(chart.title, chart.yLabel + (chart.logY ? ' (log scale)' : ''), chart.xLabel, body);
}

export function renderBarChart(chart: BarChart): string {
  const values = chart.bars.flatMap((b) => b.values).filter((v) => !chart.logY || v > 0);
  const yMin = chart.logY ? Math.min(...values) / 2 : 0;
  const y = axis(yMin, Math.max(...values), HEIGHT - MARGIN.bottom, MARGIN.top, !!chart.logY);
  const body = [...yGrid(y.ticks, y.scale)];
  const groupWidth = (WIDTH - MARGIN.left - MARGIN.right) / chart.groups.length;
  const barWidth = (groupWidth * 0.8) / chart.bars.length;
  chart.groups.forEach((group, g) => {
    const gx = MARGIN.left + g * groupWidth;
    body.push(
      `<text x="${(gx + groupWidth / 2).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle" fill="#444">${escapeXml(group)}</text>`,
    );
    chart.bars.forEach((bar, b) => {
      const value = bar.values[g];
      if (value === undefined || !Number.isFinite(value) || (chart.logY && value <= 0)) return;
      const top = y.scale(value);
      const x0 = gx + groupWidth * 0.1 + b * barWidth;
      body.push(
        `<rect x="${x0.toFixed(1)}" y="${top.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(HEIGHT - MARGIN.bottom - top).toFixed(1)}" fill="${COLORS[b % COLORS.length]}"/>`,
      );
    });
  });
  body.push(...legend(chart.bars.map((b) => b.name)));
  return frame(chart.title, chart.yLabel + (chart.logY ? ' (log scale)' : ''), '', body);
}
