// What `vlm model pull` writes on stderr: a redrawn line with bytes, speed and time left on
// a terminal; one line per file otherwise.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { pullReporter } from '../../../engine/cli/commands/pull-progress';

function sink(isTTY: boolean) {
  const written: string[] = [];
  const stream = { isTTY, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

test('on a terminal: bytes of the total, speed and ETA from the clock, then a newline', () => {
  const { stream, written } = sink(true);
  let now = 0;
  const r = pullReporter(stream, () => now);
  now = 2000;
  r.onProgress?.({ file: 'onnx/a.onnx', bytes: 2 * 1048576, totalBytes: 10 * 1048576 });
  now = 2050; // within 100 ms of the last draw: skipped
  r.onProgress?.({ file: 'onnx/a.onnx', bytes: 3 * 1048576, totalBytes: 10 * 1048576 });
  r.onFile({ file: 'onnx/a.onnx', size: 1, downloaded: true });
  r.done();
  assert.equal(written.length, 2);
  assert.equal(written[0], '\r\x1b[K2.0 MiB / 10.0 MiB  1.0 MiB/s  ETA 0:08  onnx/a.onnx');
  assert.equal(written[1], '\n');
});

test('not a terminal: one plain line per file, downloaded or already cached', () => {
  const { stream, written } = sink(false);
  const r = pullReporter(stream);
  assert.equal(r.onProgress, undefined);
  r.onFile({ file: 'config.json', size: 2048, downloaded: false });
  r.onFile({ file: 'onnx/b.onnx', size: 3 * 1048576, downloaded: true });
  r.done();
  assert.deepEqual(written, [
    'cached      config.json  (2.0 KiB)\n',
    'downloaded  onnx/b.onnx  (3.0 MiB)\n',
  ]);
});
