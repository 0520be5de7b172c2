// A loaded vision-language model: tokenizer, image processor, and the three ONNX
// sessions (vision encoder, token embeddings, merged decoder) behind one object.
import type * as ort from 'onnxruntime-node';
import type { ExecutionProviderName } from '../runtime/providers';
import type {
  FamilySpec,
  ImageProcessor,
  ModelPart,
  ProcessedImage,
  VideoPrompt,
} from './adapters/types';
import type { DecoderOutput, DecoderStep, TextModelSpec } from './contract';
import { DecoderRunner, emptyKvCache } from './decoder';
import type { ChosenOnnxFile } from './folder';
import { ioType } from './io-types';
import {
  generate,
  type GenerateOptions,
  type GenerationInput,
  type GenerationResult,
} from './generate';
import type { ImageInput } from './image-input';
import type { LoadOptions, ModelJsonFiles, OpenedModel } from './open';
import type { SpanLayout } from './positions';
import { checkRepositioning, repositioningWarning, type RepositioningCheck } from './rope-check';
import { int64Tensor, readFloats } from './tensors';
import type { ChatMessage, ModelTokenizer } from './tokenizer';

export interface PromptRequest {
  /** A chat, formatted with the model's chat template; `{ type: 'image' }` parts mark images. */
  messages?: ChatMessage[];
  /** Or raw prompt text containing one image placeholder ('<image>') per image. */
  text?: string;
  images?: ImageInput[];
  /** false for video frames: one global tile per image. */
  doImageSplitting?: boolean;
}

export interface PreparedPrompt {
  ids: number[];
  /** [ids.length, hidden], image features spliced in. */
  embeds: Float32Array;
  images: ProcessedImage[];
  imageTokenCount: number;
  /** Positions of the tokens when images take fewer than one per token (M-RoPE); give it to generate(). */
  layout?: SpanLayout;
  /** Milliseconds in the vision encoder, for the benchmark. */
  visionMs: number;
}

/** Where image tokens sit in a prompt, and features that replace them, merged into embeddings. */
export function spliceImageFeatures(
  embeds: Float32Array,
  ids: readonly number[],
  imageTokenId: number,
  features: Float32Array,
  hidden: number,
): Float32Array {
  const positions = ids.flatMap((id, i) => (id === imageTokenId ? [i] : []));
  const rows = features.length / hidden;
  if (positions.length !== rows)
    throw new Error(
      `the prompt has ${positions.length} image tokens but the images give ${rows} feature rows; each image needs exactly its expanded image tokens`,
    );
  const out = Float32Array.from(embeds);
  positions.forEach((p, r) => out.set(features.subarray(r * hidden, (r + 1) * hidden), p * hidden));
  return out;
}

export class VisionLanguageModel {
  readonly dir: string;
  readonly spec: TextModelSpec;
  readonly family: FamilySpec;
  /** config.json as read. */
  readonly config: Record<string, unknown>;
  /** Every JSON file of the folder as read. */
  readonly json: ModelJsonFiles;
  readonly files: Record<ModelPart, ChosenOnnxFile>;
  readonly tokenizer: ModelTokenizer;
  readonly imageProcessor: ImageProcessor;
  /** The execution provider the sessions use. */
  readonly provider: ExecutionProviderName;
  /** Set when the requested provider fell back to CPU, saying why. */
  readonly notice?: string;
  /** What the model cannot do as asked and does instead, each said once (also given to onWarning). */
  readonly warnings: string[] = [];
  /** Whether cached keys may be moved by rotation; set by checkRepositioning() at load. */
  repositioning: RepositioningCheck = { ok: true };
  private readonly onWarning?: (message: string) => void;
  private readonly decoder: DecoderRunner;
  private disposed = false;

  constructor(
    private readonly opened: OpenedModel,
    options: Pick<LoadOptions, 'onWarning'> = {},
  ) {
    this.onWarning = options.onWarning;
    this.dir = opened.dir;
    this.spec = opened.spec.text;
    this.family = opened.spec;
    this.json = opened.json;
    this.config = opened.json.config;
    this.files = opened.files;
    this.tokenizer = opened.tokenizer;
    this.imageProcessor = opened.imageProcessor;
    this.provider = opened.factory.provider;
    this.notice = opened.factory.notice;
    this.decoder = new DecoderRunner(
      opened.sessions.decoder,
      opened.files.decoder,
      this.spec,
      opened.factory,
      (message) => this.warn(message),
    );
  }

  private warn(message: string): void {
    const line = `${this.files.decoder.relative}: ${message}`;
    if (this.warnings.includes(line)) return;
    this.warnings.push(line);
    this.onWarning?.(line);
  }

  /** Checks that key re-rotation fits this model (rope-check.ts); warns once when it does not. */
  async checkRepositioning(): Promise<RepositioningCheck> {
    this.repositioning = await checkRepositioning(this);
    if (!this.repositioning.ok) this.warn(repositioningWarning(this.repositioning.reason!));
    return this.repositioning;
  }

  /** How this family writes video frames and their times into a prompt. */
  get videoPrompt(): VideoPrompt {
    return this.opened.adapter.videoPrompt;
  }

  /** Whether decode() can return query vectors; false once the query graph failed to open. */
  get supportsQueries(): boolean {
    return this.decoder.supportsQueries;
  }

  private session(part: ModelPart): ort.InferenceSession {
    if (this.disposed) throw new Error(`model ${this.dir} was disposed; load it again`);
    return this.opened.sessions[part].session;
  }

  /** [ids.length, hidden]. */
  async embedTokens(ids: readonly number[]): Promise<Float32Array> {
    const out = await this.session('embed').run({
      input_ids: int64Tensor([...ids], [1, ids.length]),
    });
    return readFloats(out.inputs_embeds as ort.Tensor);
  }

  /** Image features of one processed image: [image tokens, hidden]. */
  async encodeImage(image: ProcessedImage): Promise<Float32Array> {
    const feeds = this.opened.adapter.visionFeeds({
      image,
      floatType: ioType(this.files.vision, 'pixel_values'),
    });
    const out = await this.session('vision').run(feeds);
    const features = readFloats(out.image_features as ort.Tensor);
    const tokens = this.opened.adapter.imageTokens(image, this.family);
    if (features.length !== tokens * this.spec.hiddenSize)
      throw new Error(
        `${this.files.vision.relative}: image_features has ${features.length} values, expected ${tokens} image tokens x ${this.spec.hiddenSize}`,
      );
    return features;
  }

  /** Features of several images, concatenated in order. */
  async encodeImages(images: readonly ProcessedImage[]): Promise<Float32Array> {
    const parts = [];
    for (const image of images) parts.push(await this.encodeImage(image));
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }

  /** The text that marks where an image goes in a prompt (`<image>` for Idefics3). */
  get imagePlaceholder(): string {
    return this.opened.adapter.imagePlaceholder;
  }

  /**
   * Positions of prompt tokens (with these images) from the prompt's start, when the family's
   * images take fewer positions than tokens; undefined for one position per token.
   */
  promptLayout(ids: readonly number[], images: readonly ProcessedImage[]): SpanLayout | undefined {
    return this.opened.adapter.promptLayout?.(ids, images, this.family);
  }

  /** Replaces each image placeholder in `text` with that image's expanded token text. */
  expandPrompt(text: string, images: readonly ProcessedImage[]): string {
    const placeholder = this.opened.adapter.imagePlaceholder;
    const pieces = text.split(placeholder);
    if (pieces.length - 1 !== images.length)
      throw new Error(
        `the prompt has ${pieces.length - 1} '${placeholder}' placeholders but ${images.length} images were given`,
      );
    return pieces.reduce(
      (acc, piece, i) =>
        acc + this.opened.adapter.expandImageText(images[i - 1], this.family) + piece,
    );
  }

  /** Embeddings of prompt ids with image features in place of the image tokens. */
  async embedPrompt(ids: readonly number[], imageFeatures?: Float32Array): Promise<Float32Array> {
    const embeds = await this.embedTokens(ids);
    if (!imageFeatures || imageFeatures.length === 0) {
      if (ids.includes(this.family.imageTokenId))
        throw new Error('the prompt has image tokens but no image features were given');
      return embeds;
    }
    return spliceImageFeatures(
      embeds,
      ids,
      this.family.imageTokenId,
      imageFeatures,
      this.spec.hiddenSize,
    );
  }

  /** Text + images -> token ids and embeddings ready for the decoder. */
  async preparePrompt(request: PromptRequest): Promise<PreparedPrompt> {
    const text =
      request.text ??
      (request.messages ? this.tokenizer.applyChatTemplate(request.messages) : undefined);
    if (text === undefined) throw new Error('preparePrompt: give either messages or text');
    const images = [];
    for (const input of request.images ?? [])
      images.push(
        await this.imageProcessor.process(input, { doImageSplitting: request.doImageSplitting }),
      );
    const ids = this.tokenizer.encode(this.expandPrompt(text, images));
    const started = performance.now();
    const features = await this.encodeImages(images);
    const visionMs = performance.now() - started;
    const embeds = await this.embedPrompt(ids, features);
    const imageTokenCount = ids.filter((id) => id === this.family.imageTokenId).length;
    const layout = this.promptLayout(ids, images);
    return { ids, embeds, images, imageTokenCount, ...(layout ? { layout } : {}), visionMs };
  }

  /** One decoder step (see contract.ts). */
  decode(step: DecoderStep): Promise<DecoderOutput> {
    if (this.disposed)
      return Promise.reject(new Error(`model ${this.dir} was disposed; load it again`));
    return this.decoder.run(step);
  }

  /** Prefill then incremental decoding; see GenerateOptions for sampling and stopping. */
  generate(input: GenerationInput, options: GenerateOptions = {}): Promise<GenerationResult> {
    const generation = this.json.generation ?? {};
    const maxNewTokens =
      options.maxNewTokens ??
      (typeof generation.max_new_tokens === 'number' ? generation.max_new_tokens : 256);
    return generate(
      {
        hiddenSize: this.spec.hiddenSize,
        maxPositions: this.spec.maxPositions,
        numLayers: this.spec.numLayers,
        embedTokens: (ids) => this.embedTokens(ids),
        decode: (step) => this.decode(step),
        decodeText: (ids) => this.tokenizer.decode(ids),
      },
      input,
      {
        ...options,
        maxNewTokens,
        stopTokenIds: options.stopTokenIds ?? this.tokenizer.special.eos,
      },
      () => emptyKvCache(this.spec.numLayers),
    );
  }

  /** Releases every session; the model cannot be used afterwards. Safe to call twice. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.decoder.release();
    await Promise.all(Object.values(this.opened.sessions).map((s) => s.release()));
  }
}
