// Broken model folders, each a copy of the reference model with one thing wrong.
import { cpSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BrokenModel {
  id: string;
  path: string;
  /** The file (or setting) that is wrong, and any other name that identifies it. */
  names: string[];
  input: string;
}

type Json = Record<string, unknown>;
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Json;
const writeJson = (path: string, value: unknown) =>
  writeFileSync(path, JSON.stringify(value, null, 2));

/** One breakage: the file(s) or setting a clear error names, and what it does to the folder. */
const BREAKAGES: [
  id: string,
  file: string | string[],
  input: string,
  breakIt: (dir: string) => void,
][] = [
  ['missing-config', 'config.json', 'no config.json', (d) => rmSync(join(d, 'config.json'))],
  [
    'missing-tokenizer',
    'tokenizer.json',
    'no tokenizer.json',
    (d) => rmSync(join(d, 'tokenizer.json')),
  ],
  [
    'missing-decoder',
    'decoder_model_merged.onnx',
    'no decoder .onnx',
    (d) => rmSync(join(d, 'onnx/decoder_model_merged.onnx')),
  ],
  [
    'missing-vision',
    'vision_encoder.onnx',
    'no vision encoder .onnx',
    (d) => rmSync(join(d, 'onnx/vision_encoder.onnx')),
  ],
  [
    'missing-onnx-folder',
    'onnx',
    'no onnx/ folder',
    (d) => rmSync(join(d, 'onnx'), { recursive: true }),
  ],
  [
    'empty-config',
    'config.json',
    'an empty config.json',
    (d) => writeFileSync(join(d, 'config.json'), ''),
  ],
  [
    'empty-decoder',
    'decoder_model_merged.onnx',
    'an empty decoder .onnx',
    (d) => writeFileSync(join(d, 'onnx/decoder_model_merged.onnx'), ''),
  ],
  [
    'truncated-decoder',
    'decoder_model_merged.onnx',
    'a truncated decoder .onnx',
    (d) => truncateHalf(join(d, 'onnx/decoder_model_merged.onnx')),
  ],
  [
    'truncated-vision',
    'vision_encoder.onnx',
    'a truncated vision encoder .onnx',
    (d) => truncateHalf(join(d, 'onnx/vision_encoder.onnx')),
  ],
  [
    'garbage-embed',
    'embed_tokens.onnx',
    'embed_tokens.onnx holding text',
    (d) => writeFileSync(join(d, 'onnx/embed_tokens.onnx'), 'not a protobuf\n'),
  ],
  [
    'bad-config-json',
    'config.json',
    'config.json that is not JSON',
    (d) => writeFileSync(join(d, 'config.json'), '{ "model_type": "idefics3", '),
  ],
  [
    'config-array',
    'config.json',
    'config.json holding an array',
    (d) => writeJson(join(d, 'config.json'), [1, 2, 3]),
  ],
  [
    'config-wrong-types',
    'config.json',
    'config.json with strings for numbers',
    (d) =>
      editJson(join(d, 'config.json'), (c) => {
        (c.text_config as Json).hidden_size = 'sixty-four';
        (c.text_config as Json).num_hidden_layers = -2;
      }),
  ],
  [
    'bad-tokenizer-json',
    'tokenizer.json',
    'tokenizer.json that is not JSON',
    (d) => writeFileSync(join(d, 'tokenizer.json'), '{"model": '),
  ],
  [
    'no-chat-template',
    'chat_template',
    'no chat template',
    (d) => editJson(join(d, 'tokenizer_config.json'), (c) => delete c.chat_template),
  ],
  [
    'broken-chat-template',
    // The broken template is the chat_template field of tokenizer_config.json: a message
    // naming that file ("tokenizer_config.json: the chat template is not valid Jinja")
    // names the input as well as one naming the field does.
    ['tokenizer_config.json', 'chat_template'],
    'a chat template that does not parse',
    (d) =>
      editJson(join(d, 'tokenizer_config.json'), (c) => {
        c.chat_template = "{% for message in messages %}{{ message['role'] ";
      }),
  ],
  [
    'longest-edge-zero',
    'longest_edge',
    'longest_edge: 0',
    (d) =>
      editJson(join(d, 'preprocessor_config.json'), (c) => {
        c.size = { longest_edge: 0 };
        c.max_image_size = { longest_edge: 0 };
      }),
  ],
  [
    'bad-preprocessor-json',
    'preprocessor_config.json',
    'preprocessor_config.json that is not JSON',
    (d) => writeFileSync(join(d, 'preprocessor_config.json'), 'null garbage'),
  ],
];

function truncateHalf(path: string): void {
  truncateSync(path, Math.floor(readFileSync(path).length / 2));
}

function editJson(path: string, edit: (value: Json) => void): void {
  const value = readJson(path);
  edit(value);
  writeJson(path, value);
}

/** Every broken folder, made under `dir` from the valid model folder `reference`. */
export function makeBrokenModels(dir: string, reference: string): BrokenModel[] {
  mkdirSync(dir, { recursive: true });
  const made = BREAKAGES.map(([id, file, input, breakIt]) => {
    const path = join(dir, `model-${id}`);
    cpSync(reference, path, { recursive: true });
    breakIt(path);
    // The folder is context; a clear error names the file (or setting) that is wrong.
    const names = typeof file === 'string' ? [file] : file;
    return { id, path, names, input: `a model folder with ${input}` };
  });
  mkdirSync(join(dir, 'model-empty-folder'));
  made.push({
    id: 'empty-folder',
    path: join(dir, 'model-empty-folder'),
    names: ['model-empty-folder', 'config.json'],
    input: 'an empty folder',
  });
  writeFileSync(join(dir, 'model-is-a-file'), 'a file, not a folder\n');
  made.push({
    id: 'is-a-file',
    path: join(dir, 'model-is-a-file'),
    names: ['model-is-a-file'],
    input: 'a file given as a model folder',
  });
  made.push({
    id: 'nonexistent',
    path: join(dir, 'model-nonexistent'),
    names: ['model-nonexistent'],
    input: 'a folder that does not exist',
  });
  return made;
}
