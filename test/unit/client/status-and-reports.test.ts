// Status bar text, the screenshot and model-validation reports, settings-derived budgets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusBarView } from '../../../client/status/text';
import { screenshotReport } from '../../../client/screenshot/report';
import { validationReport } from '../../../client/models/report';
import {
  askSample,
  budgetsFromSettings,
  panelMessageFromNotification,
} from '../../../client/diagnostics/adapter';
import { validateSettings } from '../../../client/settings/validate';
import { clipboardTools } from '../../../client/screenshot/clipboard';
import type { AskResult, EngineStatus } from '../../../protocol/protocol';

const status = (state: EngineStatus['state'], extra: Partial<EngineStatus> = {}): EngineStatus => ({
  state,
  message: state,
  activeJobs: 0,
  queuedJobs: 0,
  openStreams: 1,
  memoryBytes: 0,
  capabilities: [],
  ...extra,
});

test('the status bar says loading, encoding at x fps, idle and error', () => {
  assert.equal(statusBarView('starting').text, '$(loading~spin) VLM: starting');
  assert.equal(
    statusBarView('running', status('loadingModel')).text,
    '$(loading~spin) VLM: loading model',
  );
  assert.equal(
    statusBarView('running', status('encoding', { encodeFps: 4.25 })).text,
    '$(sync~spin) VLM: encoding at 4.3 fps',
  );
  assert.equal(statusBarView('running', status('idle')).text, '$(eye) VLM: idle');
  const error = statusBarView('running', status('error', { error: 'decoder crashed' }));
  assert.equal(error.error, true);
  assert.match(error.tooltip, /decoder crashed/);
  const failed = statusBarView('failed', undefined, 'spawn ENOENT');
  assert.equal(failed.error, true);
  assert.match(failed.tooltip, /spawn ENOENT/);
});

test('the screenshot report lists matches first, then elements top to bottom, escaping pipes', () => {
  const md = screenshotReport(
    'shot.png',
    {
      width: 800,
      height: 600,
      elements: [
        { text: 'Cancel', box: { x: 500, y: 400, width: 60, height: 20 }, confidence: 0.9 },
        { text: 'File | Edit', box: { x: 0, y: 0, width: 80, height: 20 }, confidence: 0.8 },
      ],
      matches: [
        { text: 'Cancel', box: { x: 500, y: 400, width: 60, height: 20 }, confidence: 0.9 },
      ],
      timings: { totalMs: 321.4 },
    },
    'Cancel button',
  );
  assert.match(
    md,
    /^# Screenshot: shot\.png\n\n800 × 600 px, 2 text elements, analyzed in 321 ms\./,
  );
  assert.ok(md.indexOf('## Matches for "Cancel button"') < md.indexOf('## Text elements'));
  assert.ok(md.indexOf('File \\| Edit') < md.lastIndexOf('| Cancel |'), 'top to bottom');
});

test('the validation report names every problem', () => {
  const md = validationReport({
    path: '/m',
    valid: false,
    problems: [
      'onnx/decoder_model_merged.onnx is missing',
      'tokenizer_config.json has no chat_template',
    ],
  });
  assert.match(md, /Not valid/);
  assert.match(
    md,
    /- onnx\/decoder_model_merged\.onnx is missing\n- tokenizer_config\.json has no chat_template/,
  );
});

test('ask samples use the measured first-token time, else the server timings; budgets come from settings', () => {
  const result: AskResult = {
    askId: 'a',
    answer: '',
    evidence: [
      { timeSec: 1, frameIndex: 1, score: 0.5, reason: 'retrieved' },
      { timeSec: 9, reason: 'recent' },
    ],
    timings: {
      totalMs: 900,
      queuedMs: 10,
      retrievalMs: 20,
      prefillMs: 300,
      decodeMs: 500,
      tokens: 11,
    },
  };
  assert.deepEqual(askSample(result, 's', 250), {
    streamId: 's',
    ttftMs: 250,
    tpotMs: 50,
    tokens: 11,
    retrieved: [{ frameIndex: 1, timeSec: 1, score: 0.5 }],
  });
  assert.equal(askSample(result, 's').ttftMs, 330);
  const budgets = budgetsFromSettings(validateSettings(() => undefined).settings);
  assert.equal(budgets.memoryBytes, 4096 * 2 ** 20);
  assert.equal(panelMessageFromNotification('vlm/unknown', {}, 0), undefined);
});

test('clipboard tools per platform: Wayland first when WAYLAND_DISPLAY is set', () => {
  assert.equal(clipboardTools('linux', {})[0].command, 'xclip');
  assert.equal(clipboardTools('linux', { WAYLAND_DISPLAY: 'wayland-0' })[0].command, 'wl-paste');
  assert.equal(clipboardTools('darwin')[0].command, 'pngpaste');
  assert.deepEqual(clipboardTools('aix'), []);
});
