// The one table of media signatures: each format from its first bytes, RIFF told apart by
// its form type (AVI or WebP), BMP only with a known info header.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sniffContainer, sniffFormat } from '../../../engine/ingest/file-sniff';
import { tempDir } from './generate';

function head(...parts: (string | number[])[]): Buffer {
  const bytes = Buffer.concat(
    parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))),
  );
  return Buffer.concat([bytes, Buffer.alloc(Math.max(0, 32 - bytes.length))]);
}

const bmpHeader = (infoSize: number) => {
  const h = head('BM', [0x36, 0x0c, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0]);
  h.writeUInt32LE(infoSize, 14);
  return h;
};

test('each format from its first bytes', () => {
  const cases: Array<[Buffer, string | undefined]> = [
    [head([0, 0, 0, 0x20], 'ftypisom'), 'mp4'],
    [head([0x1a, 0x45, 0xdf, 0xa3]), 'matroska'],
    [head('RIFF', [0, 0, 0, 0], 'AVI LIST'), 'avi'],
    [head('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'webp'],
    [head('RIFF', [0, 0, 0, 0], 'WAVEfmt '), undefined],
    [head('GIF89a'), 'gif'],
    [head('GIF87a'), 'gif'],
    [head('GIF8'), undefined],
    [head([0x89], 'PNG\r\n', [0x1a, 0x0a]), 'png'],
    [head([0xff, 0xd8, 0xff, 0xe0]), 'jpeg'],
    [bmpHeader(40), 'bmp'],
    [bmpHeader(124), 'bmp'],
    [bmpHeader(7), undefined],
    [head('II*', [0]), 'tiff'],
    [head('MM', [0], '*'), 'tiff'],
    [head('hello, world'), undefined],
  ];
  for (const [bytes, format] of cases)
    assert.equal(sniffFormat(bytes), format, bytes.toString('latin1', 0, 12));
  const ts = Buffer.alloc(189);
  ts[0] = ts[188] = 0x47;
  assert.equal(sniffFormat(ts), 'mpeg-ts');
});

test('sniffContainer names the format for messages, from the file', () => {
  const dir = tempDir();
  const webp = join(dir, 'x.webp');
  writeFileSync(webp, head('RIFF', [0, 0, 0, 0], 'WEBPVP8 '));
  assert.equal(sniffContainer(webp), 'WebP');
  const mp4 = join(dir, 'x.mp4');
  writeFileSync(mp4, head([0, 0, 0, 0x20], 'ftypisom'));
  assert.equal(sniffContainer(mp4), 'MP4/MOV');
  assert.equal(sniffContainer(join(dir, 'missing')), undefined);
});
