import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findMediaLinks } from '../../../server/features/media-links';

describe('findMediaLinks', () => {
  const doc = 'file:///repo/docs/readme.md';

  it('finds Markdown images and links to media, resolved against the document folder', () => {
    const text = 'See ![shot](img/a.png "title") and [demo](<../v/demo.mp4>).\n[page](other.md)';
    const links = findMediaLinks(text, doc);
    assert.deepEqual(
      links.map((l) => [l.path, l.range.start.character, l.range.end.character]),
      [
        ['/repo/docs/img/a.png', 12, 21],
        ['/repo/v/demo.mp4', 43, 56],
      ],
    );
  });

  it('finds string literals holding media paths, on the right line', () => {
    const text = 'const a = 1;\nload("/data/screen.PNG");\nconst s = `x.txt`;';
    const [link] = findMediaLinks(text, 'file:///repo/src/x.ts');
    assert.equal(link.path, '/data/screen.PNG');
    assert.deepEqual(link.range.start, { line: 1, character: 6 });
    assert.equal(link.exists, false);
  });

  it('ignores remote URLs and non-media files', () => {
    const text = '![x](https://example.com/a.png) "notes.txt" [y](http://h/v.mp4)';
    assert.deepEqual(findMediaLinks(text, doc), []);
  });

  it('decodes percent-encoded Markdown targets and accepts file: URIs', () => {
    const text = '![a](my%20shot.png) and "file:///tmp/x%20y.webm"';
    assert.deepEqual(
      findMediaLinks(text, doc).map((l) => l.path),
      ['/repo/docs/my shot.png', '/tmp/x y.webm'],
    );
  });
});
