// Standard LSP features over media links: hover shows a summary of the file (kind,
// duration, size, on-screen text, a link to open it); a code lens offers
// "Ask about this video" / "Analyze screenshot".
import { basename } from 'node:path';
import { detectMediaKind, type MediaKind } from '../../engine/media';
import type { CodeLens, Hover, MarkupContent } from 'vscode-languageserver/node';
import { VlmCommands, type MediaSummary } from '../../protocol/protocol';
import { toResponseError } from '../errors';
import type { Session } from '../session-types';
import { findMediaLinks, type MediaLink } from './media-links';

export function registerFeatures(session: Session): void {
  const { connection, documents, engine, scheduler } = session;

  connection.onCodeLens(async (params): Promise<CodeLens[]> => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    const links = findMediaLinks(document.getText(), document.uri).filter((link) => link.exists);
    // Which lens a file gets depends on its content: an animated GIF is a video.
    const kinds = await Promise.all(
      links.map((link) => detectMediaKind(link.path).catch(() => undefined)),
    );
    return links.flatMap((link, i) => {
      const kind = kinds[i];
      return kind ? [{ range: link.range, command: lensCommand(link, kind) }] : [];
    });
  });

  connection.onHover(async (params, token): Promise<Hover | null> => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return null;
    const link = findMediaLinks(document.getText(), document.uri).find((l) =>
      contains(l, params.position),
    );
    if (!link) return null;
    if (!link.exists) return hover(link, `File not found: \`${link.path}\``);
    try {
      const summary = await scheduler.run(
        (signal) =>
          session.status.track(
            'readingText',
            engine.call('mediaSummary', { uri: link.uri, withText: true }, { signal }),
          ),
        token,
      );
      return hover(link, describe(link, summary));
    } catch (error) {
      return hover(
        link,
        `Cannot summarize \`${basename(link.path)}\`: ${toResponseError(error).message}`,
      );
    }
  });
}

function lensCommand(link: MediaLink, kind: MediaKind | 'live') {
  return kind !== 'image'
    ? { title: 'Ask about this video', command: VlmCommands.askAboutVideo, arguments: [link.uri] }
    : {
        title: 'Analyze screenshot',
        command: VlmCommands.analyzeScreenshot,
        arguments: [link.uri],
      };
}

function contains(link: MediaLink, pos: { line: number; character: number }): boolean {
  const { start, end } = link.range;
  return (
    pos.line === start.line && pos.character >= start.character && pos.character <= end.character
  );
}

function hover(link: MediaLink, body: string): Hover {
  const contents: MarkupContent = { kind: 'markdown', value: body };
  return { contents, range: link.range };
}

function describe(link: MediaLink, summary: MediaSummary): string {
  const { media } = summary;
  const facts = [
    media.kind,
    media.durationSec !== undefined ? `${media.durationSec.toFixed(1)} s` : undefined,
    media.width && media.height ? `${media.width}×${media.height}` : undefined,
    media.fps ? `${media.fps.toFixed(1)} fps` : undefined,
    media.bytes !== undefined ? formatBytes(media.bytes) : undefined,
  ].filter(Boolean);
  const name = basename(link.path);
  const lines = [`**${escapeMarkdown(name)}**: ${facts.join(', ')}`, ''];
  if (summary.text)
    lines.push(`On-screen text: ${escapeMarkdown(truncate(summary.text, 400))}`, '');
  else if (summary.textUnavailable)
    lines.push(`On-screen text: not available (${summary.textUnavailable})`, '');
  const command = lensCommand(link, media.kind);
  const args = encodeURIComponent(JSON.stringify([link.uri]));
  lines.push(
    `[Open ${escapeMarkdown(name)}](${link.uri}) · [${command.title}](command:${command.command}?${args})`,
  );
  return lines.join('\n');
}

function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}[\]()#+!|<>])/g, '\\$1');
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 2 ** 20) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
