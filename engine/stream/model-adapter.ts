// Adapts a loaded engine/model VisionLanguageModel to the stream engine's port. The chat
// template is rendered once around a marker to split it into the prefix (the sink: start
// of the user turn, then the family's video intro) and the suffix (end of the user turn,
// start of the assistant's); each video frame is written as the model family's video
// prompt writes it (its time, then one global tile), a still image as a plain image.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { VisionLanguageModel } from '../model';
import type { StreamModel, VideoFrame } from './model-port';

const MARKER = '\u0000QUESTION\u0000';

export interface AdapterOptions {
  /** A system message before the user turn (part of the sink). */
  systemPrompt?: string;
}

export function adaptModel(model: VisionLanguageModel, options: AdapterOptions = {}): StreamModel {
  const { tokenizer } = model;
  const messages = [
    ...(options.systemPrompt
      ? [
          {
            role: 'system' as const,
            content: [{ type: 'text' as const, text: options.systemPrompt }],
          },
        ]
      : []),
    { role: 'user' as const, content: [{ type: 'text' as const, text: MARKER }] },
  ];
  const rendered = tokenizer.applyChatTemplate(messages, { addGenerationPrompt: true });
  const at = rendered.indexOf(MARKER);
  if (at < 0) throw new Error(`the chat template of ${model.dir} dropped the user's text`);
  const prefix = rendered.slice(0, at);
  const suffix = rendered.slice(at + MARKER.length);
  const eos = new Set(tokenizer.special.eos);
  const encode = (text: string) => tokenizer.encode(text, { addSpecialTokens: false });
  const placeholder = model.imagePlaceholder;
  const video = model.videoPrompt;

  return {
    spec: model.spec,
    identity: modelIdentity(model),
    settings: {
      prefix,
      suffix,
      videoPrompt: { intro: video.intro, frame: video.frame(0), outro: video.outro },
      doImageSplitting: false,
      preprocessor: model.json.preprocessor,
    },
    get supportsQueries() {
      return model.supportsQueries;
    },
    canReposition: model.repositioning.ok,
    warnings: model.warnings,
    async embedPrefix(still = false) {
      return model.embedTokens(tokenizer.encode(`${prefix}${still ? '' : video.intro}`));
    },
    async embedFrame(frame: VideoFrame, still: boolean) {
      const image = await model.imageProcessor.process(
        { data: frame.rgb, width: frame.width, height: frame.height },
        still ? {} : { doImageSplitting: false },
      );
      const text = still ? placeholder : video.frame(frame.timeSec);
      const ids = encode(model.expandPrompt(text, [image]));
      const embeds = await model.embedPrompt(ids, await model.encodeImage(image));
      const layout = model.promptLayout(ids, [image]);
      return layout ? { embeds, layout } : { embeds };
    },
    async embedQuestion(question: string, still = false) {
      return model.embedTokens(encode(`${still ? '\n' : video.outro}${question}${suffix}`));
    },
    embedTokens: (ids) => model.embedTokens(ids),
    decode: (step) => model.decode(step),
    decodeText: (ids) => tokenizer.decode(ids, { skipSpecialTokens: true }),
    isEndToken: (id) => eos.has(id),
  };
}

/** The folder, the ONNX files chosen and their sizes and times: changes when the weights do. */
function modelIdentity(model: VisionLanguageModel): string {
  const hash = createHash('sha256').update(model.dir);
  for (const file of Object.values(model.files)) {
    const path = join(model.dir, file.relative);
    const s = statSync(path);
    hash.update(`${file.relative}:${s.size}:${s.mtimeMs}`);
  }
  hash.update(JSON.stringify(model.config));
  return `${model.dir}#${hash.digest('hex').slice(0, 16)}`;
}
