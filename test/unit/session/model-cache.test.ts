// A cache directory that cannot be written does not stop the reference model: the session
// generates it in a temporary folder, says so once, and removes that folder when disposed.
import { strict as assert } from 'node:assert';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { EngineSession } from '../../../engine/session';
import { tempDir } from '../stream/helpers';

test('an unwritable cache directory falls back to a temporary folder with one warning', async (t) => {
  const dir = tempDir(t);
  // A file where a folder should be: every mkdir under it fails (ENOTDIR), even for root.
  writeFileSync(join(dir, 'not-a-folder'), '');
  const cacheDir = join(dir, 'not-a-folder', 'cache');
  const warnings: string[] = [];
  const session = new EngineSession({
    cacheDir,
    model: 'reference:tiny',
    provider: 'cpu',
    onWarning: (m) => warnings.push(m),
  });
  let modelDir: string;
  try {
    const loaded = await session.model();
    modelDir = loaded.dir;
    assert.equal(loaded.reference, true);
    assert.ok(!modelDir.startsWith(cacheDir), 'the model is not in the unwritable folder');
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /not-a-folder\/cache cannot be written \(ENOTDIR\)/);
    // The same session answers about a file, in RAM, without a second warning.
    const image = join(dir, 'screen.png');
    await sharp({ create: { width: 32, height: 24, channels: 3, background: 'blue' } })
      .png()
      .toFile(image);
    const stream = await session.open({ kind: 'file', path: image });
    await stream.ready;
    const answer = await stream.ask('what colour?', { maxTokens: 2 });
    assert.equal(typeof answer.answer, 'string');
    assert.equal(stream.persistDir, null);
    await stream.close();
    assert.equal(warnings.length, 1, warnings.join('\n'));
  } finally {
    await session.dispose();
  }
  assert.equal(existsSync(modelDir), false, 'the temporary model folder is removed on dispose');
});
