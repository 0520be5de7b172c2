// The model's tokenizer (tokenizer.json via @huggingface/tokenizers) and chat template
// (tokenizer_config.json's chat_template via @huggingface/jinja).
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';

/** A chat message as HF chat templates take it; images are `{ type: 'image' }` parts. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ({ type: 'text'; text: string } | { type: 'image' })[];
}

export interface SpecialTokenIds {
  bos?: number;
  eos: number[];
  pad?: number;
}

export interface ModelTokenizer {
  /** As HF tokenizers do, adds the post-processor's special tokens unless told not to. */
  encode(text: string, options?: { addSpecialTokens?: boolean }): number[];
  decode(ids: readonly number[], options?: { skipSpecialTokens?: boolean }): string;
  /** The id of a token string (e.g. '<image>'), or undefined. */
  tokenId(token: string): number | undefined;
  readonly special: SpecialTokenIds;
  readonly specialTokens: { bos?: string; eos?: string; pad?: string };
  /** Renders the chat template; throws when tokenizer_config.json has none. */
  applyChatTemplate(messages: ChatMessage[], options?: { addGenerationPrompt?: boolean }): string;
}

type Json = Record<string, unknown>;

/** tokenizer_config.json writes special tokens either as strings or as { content }. */
function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as Json).content === 'string')
    return (value as Json).content as string;
  return undefined;
}

function chatTemplateSource(config: Json): string | undefined {
  const value = config.chat_template;
  if (typeof value === 'string') return value;
  // Some configs hold a list of named templates; 'default' is the one used for chat.
  if (Array.isArray(value)) {
    const named = value as { name?: string; template?: string }[];
    return (named.find((t) => t.name === 'default') ?? named[0])?.template;
  }
  return undefined;
}

export function createTokenizer(
  tokenizerJson: Json,
  tokenizerConfig: Json,
  extraEosIds: number[] = [],
  chatTemplateOverride?: string,
): ModelTokenizer {
  const tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
  const names = {
    bos: tokenText(tokenizerConfig.bos_token),
    eos: tokenText(tokenizerConfig.eos_token),
    pad: tokenText(tokenizerConfig.pad_token),
  };
  const idOf = (token?: string) => (token === undefined ? undefined : tokenizer.token_to_id(token));
  const eos = idOf(names.eos);
  const special: SpecialTokenIds = {
    bos: idOf(names.bos),
    eos: [...new Set([...(eos === undefined ? [] : [eos]), ...extraEosIds])],
    pad: idOf(names.pad),
  };
  const source = chatTemplateOverride ?? chatTemplateSource(tokenizerConfig);
  const template = source === undefined ? undefined : new Template(source);
  return {
    encode: (text, options) =>
      tokenizer.encode(text, { add_special_tokens: options?.addSpecialTokens ?? true }).ids,
    decode: (ids, options) =>
      ids.length === 0
        ? ''
        : tokenizer.decode([...ids], { skip_special_tokens: options?.skipSpecialTokens ?? true }),
    tokenId: (token) => tokenizer.token_to_id(token),
    special,
    specialTokens: names,
    applyChatTemplate(messages, options) {
      if (!template)
        throw new Error('tokenizer_config.json: chat_template is missing; cannot format a chat');
      return template.render({
        messages,
        add_generation_prompt: options?.addGenerationPrompt ?? true,
        bos_token: names.bos ?? '',
        eos_token: names.eos ?? '',
        pad_token: names.pad ?? '',
      });
    },
  };
}
