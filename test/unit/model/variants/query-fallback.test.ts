// A decoder whose q_proj cannot be found (a quantized graph renamed the way graph
// optimisers rename: numbered nodes and values) cannot give query vectors. The model says
// so once, retrieval scores with the question's keys, and the h2o policy (which asks for
// queries on every frame) keeps encoding instead of failing each frame.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadModel } from '../../../../engine/model';
import {
  readOnnxModel,
  writeOnnxModel,
  type OnnxModel,
} from '../../../../engine/model/onnx/model-io';
import { openStream, type OpenStreamOptions } from '../../../../engine/stream';
import { adaptModel } from '../../../../engine/stream/model-adapter';
import { REAL, variantFolder } from './helpers';

let folder: Awaited<ReturnType<typeof variantFolder>>;

/** Numbered node and value names, the graph's own inputs and outputs kept. */
function renameAsOptimised(model: OnnxModel): void {
  const keep = new Set([...model.graph.input, ...model.graph.output].map((v) => v.name));
  const renamed = new Map<string, string>();
  model.graph.node.forEach((node, i) => {
    node.name = `${node.op_type}_${i}`;
    node.output = node.output.map((out, j) => {
      if (keep.has(out)) return out;
      const name = `v${i}_${j}`;
      renamed.set(out, name);
      return name;
    });
  });
  for (const node of model.graph.node)
    node.input = node.input.map((name) => renamed.get(name) ?? name);
}

before(async () => {
  folder = await variantFolder(['q8', 'q4']);
  for (const file of ['decoder_model_merged_quantized.onnx', 'decoder_model_merged_q4.onnx']) {
    const path = join(folder.dir, 'onnx', file);
    const model = readOnnxModel(path);
    renameAsOptimised(model);
    writeOnnxModel(path, model);
  }
});

after(() => folder?.cleanup());

async function run(dtype: 'q8' | 'q4', options: Partial<OpenStreamOptions>) {
  const warnings: string[] = [];
  const model = await loadModel(folder.dir, {
    provider: 'cpu',
    dtype,
    onWarning: (w) => warnings.push(w),
  });
  const stream = await openStream(join(REAL, 'dog-in-basket-fireplace.mp4'), {
    model: adaptModel(model),
    recentBlocks: 1,
    memoryBudget: 1e9,
    ...options,
  });
  try {
    await stream.ready;
    const first = await stream.ask('Where is the dog?', { maxTokens: 4 });
    const second = await stream.ask('Is there a fire?', { maxTokens: 4 });
    return { first, second, warnings, model };
  } finally {
    await stream.close();
    await model.dispose();
  }
}

for (const dtype of ['q8', 'q4'] as const) {
  test(`${dtype}, renamed: the queries scorer falls back to keys with one warning`, async () => {
    const { first, second, warnings, model } = await run(dtype, { scorer: 'queries' });
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(
      warnings[0],
      /decoder_model_merged_(quantized|q4)\.onnx: query vectors are unavailable \(.*q_proj.*not found.*\); retrieval scores blocks with the question's keys instead/,
    );
    assert.equal(model.supportsQueries, false);
    for (const result of [first, second]) {
      assert.ok(result.cache.retrievable.blocks >= 1);
      assert.ok(result.evidence.length >= 1, 'blocks were still retrieved');
    }
  });

  test(`${dtype}, renamed: --policy h2o encodes every frame and answers`, async () => {
    const { first, warnings } = await run(dtype, { policy: 'h2o', recentBlocks: 2 });
    assert.ok(first.cache.framesEncoded >= 2, 'every frame was encoded');
    assert.ok(first.answer.length > 0);
    assert.equal(warnings.length, 1, 'one warning, not one per frame');
  });
}
