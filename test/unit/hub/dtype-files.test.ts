// Which files a dtype pulls, on the file list of a real export: the onnx/ folder of
// https://huggingface.co/HuggingFaceTB/SmolVLM2-256M-Video-Instruct/commit/28755f885e60e87aaa4cf4503f47b403d080230c
// (24 files: three parts, eight suffixes each) plus its root files.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  availableDtypes,
  graphsLast,
  onnxParts,
  selectFiles,
} from '../../../engine/hub/dtype-files';

const SUFFIXES = ['', '_bnb4', '_fp16', '_int8', '_q4', '_q4f16', '_quantized', '_uint8'];
const PARTS = ['decoder_model_merged', 'embed_tokens', 'vision_encoder'];
const ROOT = [
  '.gitattributes',
  'README.md',
  'added_tokens.json',
  'chat_template.json',
  'config.json',
  'generation_config.json',
  'merges.txt',
  'model.safetensors',
  'preprocessor_config.json',
  'processor_config.json',
  'special_tokens_map.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'vocab.json',
];
const files = [...ROOT, ...PARTS.flatMap((p) => SUFFIXES.map((s) => `onnx/${p}${s}.onnx`))].map(
  (path) => ({ path, size: 1 }),
);
const onnxOf = (chosen: { path: string }[]) =>
  chosen
    .map((f) => f.path)
    .filter((p) => p.startsWith('onnx/'))
    .sort();

test('the parts are the three base names; _bnb4 and _q4f16 files are not parts of their own', () => {
  assert.deepEqual(onnxParts(files.map((f) => f.path)), PARTS);
  assert.deepEqual(availableDtypes(files.map((f) => f.path)), ['fp32', 'fp16', 'q8', 'q4']);
});

test('each dtype takes the file the loader would choose for every part, and the root JSON files only', () => {
  const expect = (suffix: string) => PARTS.map((p) => `onnx/${p}${suffix}.onnx`);
  for (const [dtype, suffix] of [
    ['fp32', ''],
    ['fp16', '_fp16'],
    ['q8', '_quantized'],
    ['q4', '_q4'],
  ] as const)
    assert.deepEqual(onnxOf(selectFiles(files, dtype, 'r').files), expect(suffix), dtype);
  const auto = selectFiles(files, 'auto', 'r');
  assert.equal(auto.dtype, 'q8');
  const root = auto.files.map((f) => f.path).filter((p) => !p.startsWith('onnx/'));
  assert.ok(!root.includes('model.safetensors') && !root.includes('README.md'));
  assert.ok(root.includes('tokenizer.json') && root.includes('chat_template.json'));
});

test('external weights (.onnx_data) come with their file; a repo without the JSON files is refused', () => {
  const withData = [
    ...files.filter((f) => !f.path.startsWith('onnx/decoder_model_merged.')),
    { path: 'onnx/decoder_model_merged.onnx', size: 1 },
    { path: 'onnx/decoder_model_merged.onnx_data', size: 1 },
  ];
  assert.ok(
    onnxOf(selectFiles(withData, 'fp32', 'r').files).includes(
      'onnx/decoder_model_merged.onnx_data',
    ),
  );
  assert.throws(
    () =>
      selectFiles(
        files.filter((f) => f.path !== 'tokenizer.json'),
        'auto',
        'org/x@main',
      ),
    /org\/x@main is not a model in the Hugging Face ONNX layout: missing tokenizer\.json/,
  );
});

test('an export with external weights for every part (the Qwen2-VL layout) takes each graph with its weights', () => {
  // onnx-community/Qwen2-VL-2B-Instruct keeps its weights in .onnx_data companions (the stored
  // pages show decoder_model_merged.onnx_data 6.17 GB, decoder_model_merged_fp16.onnx_data
  // 3.09 GB, vision_encoder_q4.onnx_data 2.66 GB, vision_encoder_bnb4.onnx 1.69 MB); larger
  // exports split them further (.onnx_data_1…). The full listing was not on the stored pages:
  // this is that shape, not a copy of it.
  const suffixes = ['', '_bnb4', '_fp16', '_q4', '_q4f16', '_quantized'];
  const qwen = [
    ...ROOT,
    ...PARTS.flatMap((p) =>
      suffixes.flatMap((s) => [`onnx/${p}${s}.onnx`, `onnx/${p}${s}.onnx_data`]),
    ),
    'onnx/decoder_model_merged.onnx_data_1',
  ].map((path) => ({ path, size: 1 }));
  const paths = qwen.map((f) => f.path);
  assert.deepEqual(onnxParts(paths), PARTS);
  assert.deepEqual(availableDtypes(paths), ['fp32', 'fp16', 'q8', 'q4']);
  const withWeights = (suffix: string) =>
    PARTS.flatMap((p) => [`onnx/${p}${suffix}.onnx`, `onnx/${p}${suffix}.onnx_data`]);
  assert.deepEqual(onnxOf(selectFiles(qwen, 'q4', 'r').files), withWeights('_q4').sort());
  assert.deepEqual(onnxOf(selectFiles(qwen, 'auto', 'r').files), withWeights('_quantized').sort());
  assert.deepEqual(
    onnxOf(selectFiles(qwen, 'fp32', 'r').files),
    [...withWeights(''), 'onnx/decoder_model_merged.onnx_data_1'].sort(),
  );
});

test('graphsLast puts every .onnx graph after the weights and JSON files, keeping their order', () => {
  const listed = [
    'config.json',
    'onnx/decoder_model_merged.onnx',
    'onnx/decoder_model_merged.onnx_data',
    'onnx/decoder_model_merged.onnx_data_1',
    'onnx/embed_tokens.onnx',
    'tokenizer.json',
  ];
  assert.deepEqual(
    graphsLast(listed, (p) => p),
    [
      'config.json',
      'onnx/decoder_model_merged.onnx_data',
      'onnx/decoder_model_merged.onnx_data_1',
      'tokenizer.json',
      'onnx/decoder_model_merged.onnx',
      'onnx/embed_tokens.onnx',
    ],
  );
});
