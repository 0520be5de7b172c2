// Screenshot analysis as Markdown, for the language-model tool's answer (the editor shows
// the screenshot view instead, client/screenshot-view/). Pure.
import type { ScreenshotAnalysis, TextElement } from '../../protocol/protocol';

function row(e: TextElement): string {
  const text = e.text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return `| ${text} | ${e.role ?? 'text'} | ${e.box.x}, ${e.box.y} | ${e.box.width} × ${e.box.height} | ${e.confidence.toFixed(2)} |`;
}

export function screenshotReport(
  source: string,
  analysis: ScreenshotAnalysis,
  query?: string,
): string {
  const lines = [
    `# Screenshot: ${source}`,
    '',
    `${analysis.width} × ${analysis.height} px, ${analysis.elements.length} text elements, analyzed in ${Math.round(analysis.timings.totalMs)} ms.`,
    '',
  ];
  const s = analysis.session;
  if (s)
    lines.push(
      s.mode === 'incremental'
        ? `Session ${s.name}, screenshot ${s.screenshot}: reused ${s.reusedCrops} readings, read ${s.readCrops}.`
        : s.mode === 'unchanged'
          ? `Session ${s.name}, screenshot ${s.screenshot}: unchanged since the previous one.`
          : `Session ${s.name}, screenshot ${s.screenshot}: read in full (${s.reason}).`,
      '',
    );
  const header = [
    '| text | role | x, y | width × height | confidence |',
    '| --- | --- | --- | --- | --- |',
  ];
  if (query !== undefined && query !== '') {
    lines.push(`## Matches for "${query}"`, '');
    if (analysis.matches.length === 0) lines.push('No element matches.', '');
    else lines.push(...header, ...analysis.matches.map(row), '');
  }
  lines.push('## Text elements (top to bottom)', '');
  if (analysis.elements.length === 0) lines.push('No text found.');
  else {
    const ordered = [...analysis.elements].sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
    lines.push(...header, ...ordered.map(row));
  }
  return `${lines.join('\n')}\n`;
}
