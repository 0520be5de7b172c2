import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { FrameTextIndex, terms } from '../../../engine/cache/retrieval/text-index';

test('terms: lowercase words, paths and identifiers; stopwords dropped', () => {
  assert.deepEqual(terms('When does the Save button appear in src/main.ts?'), [
    'save',
    'button',
    'appear',
    'src/main.ts',
  ]);
});

test('frames are ranked by rare matching words; common words count little', () => {
  const index = new FrameTextIndex();
  for (let i = 0; i < 10; i++)
    index.add(
      i,
      i,
      `lazygit Files panel ${i === 6 ? 'Nuke working tree git reset --hard' : 'README.md'}`,
    );
  const hits = index.search('when was the working tree nuked with git reset?');
  assert.equal(hits[0].frameIndex, 6);
  assert.match(hits[0].text, /Nuke working tree/);
  assert.ok(hits.every((h, i) => i === 0 || h.score <= hits[0].score));
  assert.ok(
    hits.filter((h) => h.frameIndex !== 6).every((h) => h.score < 0.3),
    'lazygit/Files on every frame weigh little',
  );
});

test('a quoted phrase found verbatim scores fully; no words, no hits', () => {
  const index = new FrameTextIndex();
  index.add(0, 0, 'Error: could not open lock file');
  index.add(1, 1, 'all good');
  assert.deepEqual(
    index.search('when did "could not open lock" show up').map((h) => [h.frameIndex, h.score]),
    [[0, 1]],
  );
  assert.deepEqual(index.search('what is it?'), []);
});

test('a hit shows the matching OCR lines of the frame, not its whole text', () => {
  const index = new FrameTextIndex();
  index.add(
    3,
    3,
    'Lazygit | Files | controllers | Nuke working tree | git reset --hard HEAD | Cancel',
  );
  const [hit] = index.search('when was the working tree nuked with git reset?');
  assert.equal(hit.text, 'Nuke working tree | git reset --hard HEAD');
});
