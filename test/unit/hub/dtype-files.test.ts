// Which files a dtype pulls, on the file list of a real export: the onnx/ folder of
// https://huggingface.co/HuggingFaceTB/SmolVLM2-256M-Video-Instruct/commit/28755f885e60e87aaa4cf4503f47b403d080230c
// (24 files: three parts, eight suffixes each) plus its root files.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { onnxParts, selectFiles, availableDtypes } from '../../../engine/hub/dtype-files';

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
