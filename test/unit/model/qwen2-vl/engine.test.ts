// The engine's own Qwen2-VL path on the generated qwen2-vl-tiny reference, checked against
// transformers.js on the same folder: the same prompt ids, and on the same pixels the same
// greedy tokens. Also the load-time re-positioning check, which moves keys along each
// M-RoPE component.
import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadModel, type VisionLanguageModel } from '../../../../engine/model';
import type { ProcessedImage } from '../../../../engine/model/adapters/types';
import { ensureReferenceModel } from '../../../../engine/model/reference';
import {
  disposeQwen2VlTransformersJs,
  transformersJsQwen2VlGreedy,
} from '../qwen2-vl-transformers-js';

const SCREENSHOT = 'test/fixtures/real/tabby-ssh-session.png';
const QUESTION = 'What is on the screen?';
const TOKENS = 12;

let dir: string;
let model: VisionLanguageModel;

before(async () => {
  dir = await ensureReferenceModel('qwen2-vl-tiny');
  model = await loadModel(dir);
});
after(async () => {
  await model?.dispose();
  await disposeQwen2VlTransformersJs();
});

const messages = [
  {
    role: 'user' as const,
    content: [{ type: 'image' as const }, { type: 'text' as const, text: QUESTION }],
  },
];

test('the tiny reference loads as qwen2_vl with multimodal RoPE, and its keys can be moved', async () => {
  assert.equal(model.family.modelType, 'qwen2_vl');
  assert.ok(model.spec.rope.mropeSection, 'mrope_section read from config.json');
  const check = await model.checkRepositioning();
  assert.ok(check.ok, check.reason);
  assert.ok(check.relativeError! < 1e-3, `relative error ${check.relativeError}`);
});

test("a config.json whose mrope_section is not the graph's fails the check, naming the component", async (t) => {
  const copy = mkdtempSync(join(tmpdir(), 'vlm-qwen-section-'));
  t.after(() => rmSync(copy, { recursive: true, force: true }));
  cpSync(dir, copy, { recursive: true });
  const configPath = join(copy, 'config.json');
  const config = JSON.parse(readFileSync(configPath, 'utf8'));
  const [t0, h0, w0] = config.rope_scaling.mrope_section;
  config.rope_scaling.mrope_section = [w0, h0, t0];
  writeFileSync(configPath, JSON.stringify(config));
  const wrong = await loadModel(copy);
  try {
    const check = await wrong.checkRepositioning();
    assert.equal(check.ok, false);
    assert.match(check.reason!, /along the (temporal|height|width) component/);
    assert.ok(wrong.warnings.some((w) => /re-positioning is off/.test(w)));
  } finally {
    await wrong.dispose();
  }
});

test('the prompt ids and image grid equal transformers.js', async () => {
  const tj = await transformersJsQwen2VlGreedy(dir, SCREENSHOT, QUESTION, 1);
  const prompt = await model.preparePrompt({ messages, images: [SCREENSHOT] });
  assert.deepEqual(prompt.ids, tj.promptIds);
  const { t, h, w } = prompt.images[0].patches!;
  assert.deepEqual([t, h, w], tj.gridThw);
  assert.ok(prompt.layout, 'an image prompt has an M-RoPE layout');
  assert.ok(prompt.layout.extent < prompt.ids.length, 'the image takes fewer positions');
});

test('on the same pixels, greedy tokens equal transformers.js', async () => {
  const tj = await transformersJsQwen2VlGreedy(dir, SCREENSHOT, QUESTION, TOKENS);
  const [t, h, w] = tj.gridThw;
  const image: ProcessedImage = {
    pixelValues: tj.pixelValues.data,
    numTiles: 1,
    tileSize: model.imageProcessor.tileSize,
    rows: 0,
    cols: 0,
    originalSize: { width: 0, height: 0 },
    patches: { t, h, w, patchDim: tj.pixelValues.dims[1] },
  };
  const text = model.tokenizer.applyChatTemplate(messages, { addGenerationPrompt: true });
  const ids = model.tokenizer.encode(model.expandPrompt(text, [image]));
  assert.deepEqual(ids, tj.promptIds);
  const embeds = await model.embedPrompt(ids, await model.encodeImage(image));
  const layout = model.promptLayout(ids, [image]);
  const result = await model.generate(
    { embeds, ids, layout },
    { maxNewTokens: TOKENS, temperature: 0, repetitionPenalty: generationPenalty() },
  );
  const ours = [...result.tokenIds, ...(result.stopReason === 'stop' ? [-1] : [])];
  const theirs = tj.tokens.map((id) => (model.tokenizer.special.eos.includes(id) ? -1 : id));
  assert.deepEqual(ours.slice(0, theirs.length), theirs);
  assert.ok(theirs.length >= 4, `compared ${theirs.length} tokens`);
});

/** transformers.js applies generation_config.json's repetition_penalty; so must the comparison. */
function generationPenalty(): number {
  const value = model.json.generation?.repetition_penalty;
  return typeof value === 'number' ? value : 1;
}
