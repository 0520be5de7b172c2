// The extension lists and isMediaPath: names only, for pickers and link detection. The
// module must stay free of imports, because the browser-side client bundles it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  IMAGE_EXTENSIONS,
  MEDIA_EXTENSIONS,
  VIDEO_EXTENSIONS,
  isMediaPath,
} from '../../../engine/media';

test('the lists: lowercase dotted extensions; GIF, APNG and WebP in both, since content decides', () => {
  for (const extension of MEDIA_EXTENSIONS) assert.match(extension, /^\.[a-z0-9]+$/);
  for (const either of ['.gif', '.apng', '.webp']) {
    assert.ok(IMAGE_EXTENSIONS.includes(either), `${either} is an image extension`);
    assert.ok(VIDEO_EXTENSIONS.includes(either), `${either} is a video extension`);
  }
  for (const image of ['.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff'])
    assert.ok(IMAGE_EXTENSIONS.includes(image) && !VIDEO_EXTENSIONS.includes(image), image);
  for (const video of ['.mp4', '.mov', '.mkv', '.webm', '.avi', '.m4v'])
    assert.ok(VIDEO_EXTENSIONS.includes(video) && !IMAGE_EXTENSIONS.includes(video), video);
  assert.deepEqual(
    [...MEDIA_EXTENSIONS].sort(),
    [...new Set([...IMAGE_EXTENSIONS, ...VIDEO_EXTENSIONS])].sort(),
  );
  assert.ok(Object.isFrozen(MEDIA_EXTENSIONS) && Object.isFrozen(IMAGE_EXTENSIONS));
});

test('isMediaPath: by extension, any case, POSIX or Windows paths and URIs', () => {
  for (const path of [
    'clip.mp4',
    '/home/me/Videos/Clip.MP4',
    'C:\\shots\\Screen Shot.PNG',
    'file:///tmp/demo.webm',
    'recording.gif',
    'a.b.c.jpeg',
  ])
    assert.equal(isMediaPath(path), true, path);
});

test('isMediaPath: TypeScript sources (.ts, .mts), other files and bare dotfiles are not media', () => {
  for (const path of [
    'src/index.ts',
    'lib/module.mts',
    'README.md',
    'Makefile',
    '.mp4',
    'videos.mp4/notes.txt',
    'C:\\clips.png\\list',
    '',
  ])
    assert.equal(isMediaPath(path), false, path);
});

test('extensions.ts imports nothing (it is bundled for the browser-side client)', () => {
  const source = readFileSync(join(__dirname, '../../../engine/media/extensions.ts'), 'utf8');
  assert.doesNotMatch(source, /^\s*import\b|\brequire\(|^\s*export .* from /m);
});
