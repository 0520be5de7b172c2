// The editor with no model installed: answers asked then are marked so the view shows the
// evidence and a notice instead of the reference model's tokens (on screen and when
// copied), the view's HTML has the notice and a Download Model button, and the Download
// Model quick pick lists the catalog with its sizes, the recommended model first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answersHtml, NO_MODEL_NOTICE } from '../../../client/answers/html';
import { AnswerHistory, answerAsMarkdown, NO_MODEL_ANSWER } from '../../../client/answers/history';
import { catalogItems, sizesText } from '../../../client/download/catalog';
import type { CatalogModel } from '../../../protocol/models-pull';

test('an answer asked with no model installed shows and copies the notice, not its tokens', () => {
  const h = new AnswerHistory();
  h.start('real', 's', 'Before?', 1);
  h.modelInstalled = false;
  h.start('ref', 's', 'What does the menu offer?', 2);
  h.token('ref', 0, '\uFFFD on\uFFFD on');
  const done = h.finish('ref', {
    askId: 'ref',
    answer: '\uFFFD on\uFFFD on',
    evidence: [{ timeSec: 2.4, frameIndex: 2, score: 0.5, text: 'Nuke working tree' }],
    timings: { totalMs: 10, tokens: 2 },
  })!;
  assert.equal(done.noModel, true);
  assert.equal(h.get('real')!.noModel, undefined, 'earlier answers keep theirs');
  const copied = answerAsMarkdown(done, (s) => `${s}s`);
  assert.ok(copied.includes(NO_MODEL_ANSWER));
  assert.ok(!copied.includes('on\uFFFD'), 'the reference tokens are not copied');
  assert.ok(copied.includes('- 2.4s (score 0.50): Nuke working tree'));
});

test("the view's HTML carries the notice and a Download Model button", () => {
  const html = answersHtml({ cspSource: 'x', scriptUri: 'a.js', styleUri: 'a.css', nonce: 'n' });
  assert.ok(html.includes(`<span id="no-model-notice">${NO_MODEL_NOTICE}</span>`));
  assert.match(html, /<button id="download-model" type="button">Download Model<\/button>/);
});

test('the catalog pick lists every model with its sizes, the default first', () => {
  const models: CatalogModel[] = [
    { repo: 'a/big', title: 'Big', trainedOnVideo: false, sizes: { fp32: 2 * 2 ** 30 } },
    {
      repo: 'HuggingFaceTB/SmolVLM2-256M-Video-Instruct',
      title: 'SmolVLM2 256M Video',
      trainedOnVideo: true,
      sizes: { fp32: 1024 * 2 ** 20, q4: 190 * 2 ** 20 },
    },
  ];
  const items = catalogItems(models, 'HuggingFaceTB/SmolVLM2-256M-Video-Instruct');
  assert.deepEqual(
    items.map((i) => i.repo),
    ['HuggingFaceTB/SmolVLM2-256M-Video-Instruct', 'a/big'],
  );
  assert.match(items[0].description, /recommended · trained on video/);
  assert.match(items[0].detail, /^Download: q4 190(\.0)? MiB · fp32 1(\.0)? GiB$/);
  assert.equal(sizesText({}), 'Download size unknown');
});
