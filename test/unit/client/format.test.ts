import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  escapeHtml,
  formatBytes,
  formatDuration,
  formatPercent,
  formatTimestamp,
  formatTokens,
} from '../../../client/format';

test('bytes, tokens, durations and percentages read naturally', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(3 * 1024 ** 3), '3.0 GiB');
  assert.equal(formatBytes(-1), '?');
  assert.equal(formatTokens(999), '999 tokens');
  assert.equal(formatTokens(1234), '1.2k tokens');
  assert.equal(formatDuration(850.4), '850 ms');
  assert.equal(formatDuration(2300), '2.3 s');
  assert.equal(formatPercent(1.7), '100%');
  assert.equal(formatPercent(0.734), '73%');
});

test('timestamps show minutes, seconds and tenths; hours when the stream is long', () => {
  assert.equal(formatTimestamp(0), '0:00.0');
  assert.equal(formatTimestamp(2400), '0:02.4');
  assert.equal(formatTimestamp(75_250), '1:15.3');
  assert.equal(formatTimestamp(3_725_000), '1:02:05');
  assert.equal(formatTimestamp(Number.NaN), '?');
});

test('HTML escaping covers markup and both quote kinds', () => {
  assert.equal(
    escapeHtml(`<img src="x" onerror='a'>&`),
    '&lt;img src=&quot;x&quot; onerror=&#39;a&#39;&gt;&amp;',
  );
});
