// A broken model folder fails with a message naming the file, the tensor or field and
// what was expected, and leaves no onnxruntime session open. Each case breaks a fresh
// copy of the tiny reference model in a temp dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  emptyKvCache,
  loadModel,
  validateModelFolder,
  type LoadOptions,
} from '../../../engine/model';
import { readOnnxModel, writeOnnxModel } from '../../../engine/model/onnx/model-io';
import { TensorDataType } from '../../../engine/model/onnx/schema';
import {
  describeLoadError,
  liveSessionCount,
  plainOrtMessage,
} from '../../../engine/runtime/sessions';
import { tinyModelDir } from './tiny-model';

async function brokenCopy(breakIt: (dir: string) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'vlm-broken-model-'));
  cpSync(await tinyModelDir(), dir, { recursive: true });
  breakIt(dir);
  return dir;
}

interface ConfigJson {
  model_type: string;
  image_token_id: number;
  text_config: Record<string, number>;
}

function editJson(dir: string, name: string, edit: (json: ConfigJson) => void) {
  const path = join(dir, name);
  const json = JSON.parse(readFileSync(path, 'utf8'));
  edit(json);
  writeFileSync(path, JSON.stringify(json));
}

function editGraph(
  dir: string,
  file: string,
  edit: (model: ReturnType<typeof readOnnxModel>) => void,
) {
  const path = join(dir, 'onnx', file);
  const model = readOnnxModel(path);
  edit(model);
  writeOnnxModel(path, model);
}

/** Loading fails with every expected message; the validator reports them; nothing leaks. */
async function expectBroken(dir: string, expected: RegExp[], options: LoadOptions = {}) {
  try {
    await assert.rejects(loadModel(dir, { provider: 'cpu', ...options }), (error: Error) => {
      for (const pattern of expected) assert.match(error.message, pattern);
      return true;
    });
    assert.equal(liveSessionCount(), 0, 'a failed load left sessions open');
    const report = await validateModelFolder(dir, { provider: 'cpu', ...options });
    assert.equal(report.ok, false);
    for (const pattern of expected)
      assert.ok(
        report.problems.some((p) => pattern.test(p)),
        `${pattern} not in ${report.problems.join(' | ')}`,
      );
    assert.equal(liveSessionCount(), 0, 'validation left sessions open');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the intact tiny folder validates and a loaded model releases its sessions on dispose', async () => {
  const report = await validateModelFolder(await tinyModelDir(), { provider: 'cpu' });
  assert.deepEqual(report.problems, []);
  assert.equal(report.ok, true);
  assert.equal(liveSessionCount(), 0);
  const model = await loadModel(await tinyModelDir(), { provider: 'cpu' });
  assert.equal(liveSessionCount(), 3);
  await model.embedTokens([1, 2]);
  await model.decode({
    inputsEmbeds: new Float32Array(model.spec.hiddenSize),
    positionIds: [0],
    past: emptyKvCache(model.spec.numLayers),
    withQueries: true,
  });
  assert.equal(liveSessionCount(), 4, 'the query session opens lazily');
  await model.dispose();
  assert.equal(liveSessionCount(), 0);
  await assert.rejects(model.embedTokens([1]), /was disposed/);
});

test('missing files are named', async () => {
  await expectBroken(
    await brokenCopy((dir) => {
      unlinkSync(join(dir, 'tokenizer.json'));
      unlinkSync(join(dir, 'onnx', 'embed_tokens.onnx'));
    }),
    [
      /tokenizer\.json: missing/,
      /onnx\/embed_tokens\*\.onnx: not found \(tried embed_tokens\.onnx, embed_tokens_fp16\.onnx/,
    ],
  );
});

test('a wrong tensor name names the file, the tensor and what was expected', async () => {
  await expectBroken(
    await brokenCopy((dir) =>
      editGraph(dir, 'decoder_model_merged.onnx', (model) => {
        model.graph.input.find((i) => i.name === 'position_ids')!.name = 'positions';
        for (const node of model.graph.node)
          node.input = node.input.map((name) => (name === 'position_ids' ? 'positions' : name));
      }),
    ),
    [
      /onnx\/decoder_model_merged\.onnx: input 'position_ids' is missing/,
      /onnx\/decoder_model_merged\.onnx: unexpected input 'positions'/,
    ],
  );
});

test('dtype mismatches: an int32 input where int64 is expected', async () => {
  await expectBroken(
    await brokenCopy((dir) =>
      editGraph(dir, 'embed_tokens.onnx', (model) => {
        model.graph.input.find((i) => i.name === 'input_ids')!.type.tensor_type.elem_type =
          TensorDataType.INT32;
      }),
    ),
    [/onnx\/embed_tokens\.onnx: input 'input_ids' has type int32, expected int64/],
  );
});

test('a folder with no chat template anywhere is refused, naming the three places', async () => {
  await expectBroken(
    await brokenCopy((dir) =>
      editJson(dir, 'tokenizer_config.json', (c) => {
        delete (c as unknown as Record<string, unknown>).chat_template;
      }),
    ),
    [
      /chat template: none found in .*chat_template\.jinja, chat_template\.json and the "chat_template" field of tokenizer_config\.json/,
    ],
  );
});

test('a broken chat template names its file and the parser problem', async () => {
  await expectBroken(
    await brokenCopy((dir) =>
      writeFileSync(join(dir, 'chat_template.jinja'), '{% for message in messages %}{{ message'),
    ),
    [/chat_template\.jinja: the chat template is not valid Jinja \(.+\)/],
  );
  await expectBroken(
    await brokenCopy((dir) => writeFileSync(join(dir, 'chat_template.json'), '{"template": 1}')),
    [/chat_template\.json: has no "chat_template" string/],
  );
});

test('a missing model folder is one line, not three missing files', async () => {
  const dir = join(tmpdir(), `vlm-no-such-model-${process.pid}`);
  const report = await validateModelFolder(dir, { provider: 'cpu' });
  assert.deepEqual(report.problems, [`model folder does not exist: ${dir}`]);
  await assert.rejects(loadModel(dir), /model folder does not exist: /);
});

test('longest_edge 0 is reported as invalid, with why, not as missing', async () => {
  await expectBroken(
    await brokenCopy((dir) =>
      editJson(dir, 'preprocessor_config.json', (c) => {
        (c as unknown as { max_image_size: { longest_edge: number } }).max_image_size.longest_edge =
          0;
      }),
    ),
    [
      /preprocessor_config\.json: max_image_size\.longest_edge is 0, which is invalid: it is the tile edge in pixels .* must be a positive integer/,
    ],
  );
});

test('a truncated .onnx file is reported, not crashed on', async () => {
  await expectBroken(
    await brokenCopy((dir) => {
      const path = join(dir, 'onnx', 'decoder_model_merged.onnx');
      truncateSync(path, Math.floor(statSync(path).size / 2));
    }),
    [
      /onnx\/decoder_model_merged\.onnx: not a valid ONNX model \(truncated or damaged: protobuf parsing failed\)$/m,
    ],
  );
});

test('an empty .onnx file is reported as empty, before onnxruntime sees it', async () => {
  await expectBroken(
    await brokenCopy((dir) => writeFileSync(join(dir, 'onnx', 'decoder_model_merged.onnx'), '')),
    [/onnx\/decoder_model_merged\.onnx: file is empty \(0 bytes\)$/m],
  );
});

test('an .onnx file holding text is not a valid ONNX model', async () => {
  await expectBroken(
    await brokenCopy((dir) => writeFileSync(join(dir, 'onnx', 'vision_encoder.onnx'), 'text\n')),
    [/onnx\/vision_encoder\.onnx: not a valid ONNX model \(truncated or damaged/],
  );
});

test("onnxruntime's source locations and signatures never reach the user", () => {
  const raw =
    'Load model from /m/onnx/x.onnx failed:/onnxruntime_src/onnxruntime/core/graph/model.cc:187 onnxruntime::Model::Model(onnx::ModelProto&&, const onnxruntime::PathString&, const IOnnxRuntimeOpSchemaRegistryList*, const logging::Logger&, const ModelOptions&) ModelProto does not have a graph.';
  assert.equal(plainOrtMessage(raw), 'ModelProto does not have a graph.');
  assert.equal(
    plainOrtMessage(
      '[ONNXRuntimeError] : 10 : INVALID_GRAPH : D:\\a\\_work\\1\\s\\onnxruntime\\core\\graph\\graph.cc:1234 onnxruntime::Graph::Resolve() Node (n) has no inputs',
    ),
    'Node (n) has no inputs',
  );
  const error = describeLoadError(new Error(raw), 'onnx/x.onnx');
  assert.equal(
    error.message,
    'onnx/x.onnx: onnxruntime cannot load it: ModelProto does not have a graph.',
  );
  assert.equal((error.cause as Error).message, raw, 'the full text stays on cause, for logs');
  assert.doesNotMatch(
    describeLoadError(
      new Error(`Load model from /m/y.onnx failed:Protobuf parsing failed.`),
      'onnx/y.onnx',
    ).message,
    /Load model|\/m\//,
  );
});

test('an unknown model_type names the field and the supported values', async () => {
  await expectBroken(
    await brokenCopy((dir) =>
      editJson(dir, 'config.json', (c) => (c.model_type = 'llava_onevision')),
    ),
    [
      /config\.json: model_type "llava_onevision" is not supported; supported values: idefics3, smolvlm, qwen2_vl/,
    ],
  );
});

test('config and graphs that disagree: the shape and the config field are named', async () => {
  await expectBroken(
    await brokenCopy((dir) =>
      editJson(dir, 'config.json', (c) => {
        c.text_config.num_key_value_heads = 4;
        c.text_config.num_hidden_layers = 3;
      }),
    ),
    [
      /onnx\/decoder_model_merged\.onnx: input 'past_key_values\.0\.key' has shape \[\S+, 2, \S+, 16\], expected \[\?, 4, \?, 16\]/,
      /onnx\/decoder_model_merged\.onnx: input 'past_key_values\.2\.key' is missing/,
    ],
  );
  await expectBroken(
    await brokenCopy((dir) => editJson(dir, 'config.json', (c) => (c.image_token_id = 7))),
    [/config\.json: image_token_id is 7 but tokenizer\.json maps '<image>' to 422/],
  );
});

test('an unavailable execution provider falls back to CPU with a visible notice', async () => {
  const notices: string[] = [];
  // This machine has no CUDA provider library; where it does, the test has nothing to prove.
  const model = await loadModel(await tinyModelDir(), {
    provider: 'cuda',
    onNotice: (message) => notices.push(message),
  });
  try {
    if (model.provider === 'cuda') return;
    assert.equal(model.provider, 'cpu');
    assert.match(model.notice ?? '', /execution provider 'cuda' unavailable .*; using cpu/);
    assert.deepEqual(notices, [model.notice]);
    assert.equal((await model.embedTokens([1])).length, model.spec.hiddenSize);
  } finally {
    await model.dispose();
  }
});

test('inputs other exports add (num_logits_to_keep) are fed, not rejected', async () => {
  const dir = await brokenCopy((d) =>
    editGraph(d, 'decoder_model_merged.onnx', (model) => {
      model.graph.input.push({
        name: 'num_logits_to_keep',
        type: { tensor_type: { elem_type: TensorDataType.INT64, shape: { dim: [] } } },
      });
    }),
  );
  const [plain, extended] = [await loadModel(await tinyModelDir()), await loadModel(dir)];
  try {
    const step = {
      inputsEmbeds: await plain.embedTokens([3, 4]),
      positionIds: [0, 1],
      past: emptyKvCache(plain.spec.numLayers),
      lastLogitsOnly: true,
    };
    assert.deepEqual((await extended.decode(step)).logits, (await plain.decode(step)).logits);
  } finally {
    await plain.dispose();
    await extended.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
