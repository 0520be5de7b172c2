// The toast text and the log lines for failed requests, from errors built the way the
// server builds them (server/errors.ts, engine ingest errors) and from plain objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IngestError } from '../../../engine/ingest/errors';
import { OpenStreamRequest, VlmErrorCodes } from '../../../protocol/protocol';
import { cancelled, invalidParams, limitReached, vlmError } from '../../../server/errors';
import {
  TOAST_MAX_CHARS,
  errorText,
  isCancellation,
  toastText,
} from '../../../client/commands/errors';
import {
  errorDetails,
  errorLine,
  failedRequestLine,
  formatDuration,
  requestLine,
} from '../../../client/log/format';
import { requestLogMiddleware } from '../../../client/log/request-log';

const CODE_NAMES = Object.keys(VlmErrorCodes);

function assertNoCode(text: string) {
  for (const name of CODE_NAMES) assert.ok(!text.includes(name), `${name} in "${text}"`);
  assert.doesNotMatch(text, /\b-?\d{4,5}\b/, `a numeric code in "${text}"`);
  assert.doesNotMatch(text, /VLM_E/);
}

const empty = new IngestError(
  'empty-file',
  '/home/ana/videos/bug/empty.mp4',
  'file is empty (0 bytes)',
);

const cases: { name: string; headline: string; error: unknown; toast: string }[] = [
  {
    name: 'an empty video (MediaUnreadable, message from the ingest)',
    headline: "Can't open empty.mp4",
    error: vlmError(VlmErrorCodes.MediaUnreadable, empty.message, {
      uri: 'file:///home/ana/videos/bug/empty.mp4',
    }),
    toast: "Can't open empty.mp4: the file is empty",
  },
  {
    name: 'a missing file',
    headline: "Can't open gone.mp4",
    error: vlmError(
      VlmErrorCodes.MediaUnreadable,
      "cannot read media file /tmp/w/gone.mp4: ENOENT: no such file or directory, stat '/tmp/w/gone.mp4'",
    ),
    toast:
      "Can't open gone.mp4: cannot read media file gone.mp4: ENOENT: no such file or directory, stat 'gone.mp4'",
  },
  {
    name: 'the queue is full (a limit names its setting, not its code)',
    headline: 'The question failed',
    error: limitReached(VlmErrorCodes.QueueFull, 'queueLength', 16, 17, 'the job queue is full'),
    toast:
      'The question failed: the job queue is full (limit queueLength = 16, setting vlm.limits.queueLength)',
  },
  {
    name: 'the server is shutting down (an older client appended the code name)',
    headline: 'The question failed',
    error: vlmError(VlmErrorCodes.ShuttingDown, 'the server is shutting down (ShuttingDown)'),
    toast: 'The question failed: the server is shutting down',
  },
  {
    name: 'bad params',
    headline: "Can't analyze shot.png",
    error: invalidParams('query', 'must be a string'),
    toast: "Can't analyze shot.png: invalid params: 'query' must be a string",
  },
  {
    name: "vscode-jsonrpc's wrapper of an unhandled server error, with an internal code",
    headline: 'The question failed',
    error: {
      code: -32603,
      message: 'Request vlm/ask failed with message: VLM_E_WORKER: worker exited (code 1)',
    },
    toast: 'The question failed: worker exited',
  },
];

for (const c of cases) {
  test(`toast: ${c.name}`, () => {
    const text = toastText(c.headline, c.error);
    assert.equal(text, c.toast);
    assertNoCode(text);
  });
}

test('a long message is cut at a word, never mid-word, and keeps the file name', () => {
  const words = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');
  const error = vlmError(
    VlmErrorCodes.MediaUnreadable,
    `/data/recordings/2026/session-with-a-long-name.mkv: ffmpeg could not decode the stream: ${words}`,
  );
  const text = toastText("Can't open session-with-a-long-name.mkv", error);
  assert.ok(text.length <= TOAST_MAX_CHARS, `${text.length} chars`);
  assert.ok(text.startsWith("Can't open session-with-a-long-name.mkv: ffmpeg could not decode"));
  assert.match(text, / word\d+…$/, 'ends on a whole word');
  const lastWord = /(word\d+)…$/.exec(text)![1];
  assert.ok(words.split(' ').includes(lastWord), `${lastWord} is a whole word of the message`);
  assert.ok(!text.includes('/data/recordings'));
});

test('a very long headline stays whole', () => {
  const name = `${'x'.repeat(230)}.mp4`;
  const text = toastText(`Can't open ${name}`, new Error('the file is empty'));
  assert.ok(text.includes(name));
});

test('cancellation is recognised from the code, on a ResponseError or a plain object', () => {
  assert.equal(isCancellation(cancelled()), true);
  assert.equal(isCancellation({ code: VlmErrorCodes.RequestCancelled }), true);
  assert.equal(isCancellation(vlmError(VlmErrorCodes.Timeout, 'timed out')), false);
  assert.equal(isCancellation(undefined), false);
});

test('errorText keeps words, drops paths and codes', () => {
  assert.equal(
    errorText(new Error('C:\\Users\\ana\\clip.mp4: moov atom not found')),
    'clip.mp4: moov atom not found',
  );
  assert.equal(errorText('plain text'), 'plain text');
});

test('durations read as ms, s, or min and s', () => {
  assert.equal(formatDuration(0), '0 ms');
  assert.equal(formatDuration(7.6), '8 ms');
  assert.equal(formatDuration(999.4), '999 ms');
  assert.equal(formatDuration(1250), '1.25 s');
  assert.equal(formatDuration(125_000), '2 min 05 s');
  assert.equal(formatDuration(Number.NaN), '? ms');
  assert.equal(requestLine('vlm/ask', 1250), 'vlm/ask 1.25 s');
});

test('the log line keeps the code (with its name) and the data', () => {
  const error = vlmError(VlmErrorCodes.MediaUnreadable, 'x.mp4: file is empty (0 bytes)', {
    uri: 'file:///w/x.mp4',
  });
  assert.equal(
    errorLine(error),
    'x.mp4: file is empty (0 bytes) [MediaUnreadable 4009] data={"uri":"file:///w/x.mp4"}',
  );
  assert.equal(errorLine({ message: 'odd', code: 7 }), 'odd [code 7]');
  assert.equal(
    failedRequestLine('vlm/openStream', 40, error).split(' [')[0],
    'vlm/openStream failed after 40 ms: x.mp4: file is empty (0 bytes)',
  );
});

test('the details follow the cause chain and add the stack frames, bounded on a cycle', () => {
  const root = { message: 'EACCES: permission denied', code: 'EACCES' };
  const middle = { message: 'cannot write the block store', cause: root };
  const top = Object.assign(new Error('encoding failed'), { cause: middle });
  const lines = errorDetails(top).split('\n');
  assert.equal(lines[0], 'encoding failed');
  assert.equal(lines[1], 'caused by: cannot write the block store');
  assert.equal(lines[2], 'caused by: EACCES: permission denied [code EACCES]');
  assert.match(lines[3], /^\s+at /);
  const a: { message: string; cause?: unknown } = { message: 'a' };
  a.cause = a;
  assert.equal(errorDetails(a, 3).split('\n').length, 4);
});

test('the request middleware logs method and duration, and failures with their code', async () => {
  const lines: string[] = [];
  const log = {
    info: (m: string) => lines.push(`info ${m}`),
    error: (m: string) => lines.push(`error ${m}`),
    trace: (m: string) => lines.push(`trace ${m}`),
  };
  let clock = 0;
  const { sendRequest } = requestLogMiddleware(log, () => clock);
  const ok = await sendRequest!('vlm/ask', {}, undefined, async () => {
    clock += 1250;
    return 'answer';
  });
  assert.equal(ok, 'answer');
  await assert.rejects(
    sendRequest!(OpenStreamRequest, {}, undefined, async () => {
      clock += 40;
      throw vlmError(VlmErrorCodes.MediaUnreadable, 'e.mp4: file is empty (0 bytes)');
    }),
  );
  await assert.rejects(
    sendRequest!('vlm/ask', {}, undefined, async () => {
      clock += 2000;
      throw cancelled();
    }),
  );
  assert.deepEqual(lines, [
    'trace vlm/ask sent',
    'info vlm/ask 1.25 s',
    'trace vlm/openStream sent',
    'error vlm/openStream failed after 40 ms: e.mp4: file is empty (0 bytes) [MediaUnreadable 4009]',
    'trace vlm/ask sent',
    'info vlm/ask cancelled after 2.00 s',
  ]);
});
