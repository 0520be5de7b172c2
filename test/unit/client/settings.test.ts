// Settings validation and the generated manifest: bad values are named and replaced by
// defaults, and package.json's contributes equals what the tables generate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SETTINGS } from '../../../client/settings/definitions';
import { validateSettings } from '../../../client/settings/validate';
import { activationEvents, contributes } from '../../../client/manifest/contributes';
import { COMMANDS } from '../../../client/commands/ids';
import { GATE_DEFAULTS } from '../../../engine/ingest';
import { SESSION_DEFAULTS } from '../../../engine/session';
import { STREAM_DEFAULTS } from '../../../engine/stream';

const reader = (values: Record<string, unknown>) => (key: string) => values[key];

test('unset settings give the defaults and no problems', () => {
  const { settings, problems } = validateSettings(reader({}));
  assert.deepEqual(problems, []);
  assert.equal(settings.executionProvider, 'auto');
  assert.equal(settings.budget.topK, 8);
  assert.equal(settings.server.transport, 'local');
  assert.equal(settings.trace.server, 'off');
  assert.equal(settings.limits.maxStreams, 4);
});

test('out-of-range, mistyped and unknown enum values are reported with key, value and limit', () => {
  const { settings, problems } = validateSettings(
    reader({
      'vlm.threads': -1,
      'vlm.budget.topK': 2.5,
      'vlm.sampling.fps': 100,
      'vlm.executionProvider': 'tpu',
      'vlm.server.port': '80',
      'vlm.models.downloadBaseUrl': 'ftp://example.com',
    }),
  );
  const byKey = new Map(problems.map((p) => [p.key, p.message]));
  assert.equal(byKey.get('vlm.threads'), 'vlm.threads is -1; the minimum is 0');
  assert.equal(byKey.get('vlm.budget.topK'), 'vlm.budget.topK must be a whole number, got 2.5');
  assert.equal(byKey.get('vlm.sampling.fps'), 'vlm.sampling.fps is 100; the maximum is 30');
  assert.equal(
    byKey.get('vlm.executionProvider'),
    'vlm.executionProvider is "tpu"; it must be one of auto, cpu, cuda, webgpu',
  );
  assert.equal(byKey.get('vlm.server.port'), 'vlm.server.port must be a number, got "80"');
  assert.match(byKey.get('vlm.models.downloadBaseUrl')!, /must be an http:\/\/ or https:\/\/ URL/);
  assert.equal(settings.threads, 0, 'a bad value falls back to the default');
  assert.equal(settings.sampling.fps, 1);
});

test('a sink larger than the context is refused; the token is not a setting problem (it lives in SecretStorage)', () => {
  const { problems } = validateSettings(
    reader({
      'vlm.server.transport': 'remote',
      'vlm.budget.sinkTokens': 4000,
      'vlm.budget.maxContextTokens': 2048,
    }),
  );
  assert.ok(!problems.some((p) => p.key === 'vlm.server.token'));
  assert.ok(
    problems.some(
      (p) => p.key === 'vlm.budget.sinkTokens' && /must be smaller than/.test(p.message),
    ),
  );
});

test('every setting has a description, and numbers have bounds', () => {
  for (const s of SETTINGS) {
    assert.ok(s.description.length > 20, `${s.key} has a description`);
    if (s.type === 'integer' || s.type === 'number') {
      assert.ok(
        s.minimum !== undefined && s.maximum !== undefined,
        `${s.key} has minimum and maximum`,
      );
    }
  }
});

test('package.json contributes and activationEvents are the generated ones (run scripts/write-manifest.ts)', () => {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
  assert.deepEqual(manifest.contributes, JSON.parse(JSON.stringify(contributes())));
  assert.deepEqual(manifest.activationEvents, activationEvents());
  assert.equal(manifest.main, './dist/client.js');
  const titles = manifest.contributes.commands.map((c: { title: string }) => c.title);
  for (const wanted of [
    'Ask About Video…',
    'Ask About Image…',
    'Open Live Source…',
    'Analyze Screenshot',
    'Find Text in Video…',
    'Show Cache Diagnostics',
    'Select Model…',
    'Download Model…',
    'Restart Server',
    'Show Output',
  ]) {
    assert.ok(titles.includes(wanted), wanted);
  }
  assert.ok(manifest.contributes.commands.every((c: { category: string }) => c.category === 'VLM'));
  assert.equal(Object.keys(COMMANDS).length, manifest.contributes.commands.length);
});

test('the settings table in docs/configuration.md lists every setting', () => {
  const doc = readFileSync('docs/configuration.md', 'utf8');
  const missing = SETTINGS.filter((s) => !doc.includes(`\`${s.key}\``)).map((s) => s.key);
  assert.deepEqual(missing, []);
});

test("the editor's defaults are the engine's: one default per setting, in one unit", () => {
  const editor = (key: string) => SETTINGS.find((s) => s.key === key)!.default;
  assert.equal(editor('vlm.sampling.fps'), SESSION_DEFAULTS.fps);
  assert.equal(editor('vlm.gate.threshold'), GATE_DEFAULTS.threshold);
  assert.equal(editor('vlm.screenText.enabled'), SESSION_DEFAULTS.screenText);
  assert.equal(editor('vlm.budget.sinkTokens'), STREAM_DEFAULTS.sinkTokens);
  assert.equal(editor('vlm.budget.recentBlocks'), STREAM_DEFAULTS.recentBlocks);
  assert.equal(editor('vlm.budget.topK'), STREAM_DEFAULTS.topK);
  assert.equal(Number(editor('vlm.cache.diskBudgetMB')) * 2 ** 20, STREAM_DEFAULTS.diskBudgetBytes);
});

test('vlm.screenText.enabled is auto, on or off; an older true/false still means on/off', () => {
  const mode = (value: unknown) =>
    validateSettings(reader({ 'vlm.screenText.enabled': value })).settings.screenText.enabled;
  assert.equal(mode(undefined), 'auto');
  assert.equal(mode('on'), 'on');
  assert.equal(mode(false), 'off');
  assert.equal(mode(true), 'on');
  const { settings, problems } = validateSettings(
    reader({ 'vlm.screenText.enabled': 'sometimes' }),
  );
  assert.equal(settings.screenText.enabled, 'auto');
  assert.match(
    problems[0].message,
    /vlm\.screenText\.enabled is "sometimes"; it must be one of auto, on, off/,
  );
});
