// The model's tokenizer (tokenizer.json via @huggingface/tokenizers) and chat template
// (found by chat-template.ts, rendered with @huggingface/jinja).
import { Tokenizer } from '@huggingface/tokenizers';
import { compileChatTemplate, templateText, type ChatTemplate } from './chat-template';

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
  /** Renders the chat template; throws naming the places looked in when the folder has none. */
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

/** Without a folder to search, the template is tokenizer_config.json's own. */
function configTemplate(config: Json): ChatTemplate | undefined {
  const text = templateText(config.chat_template);
  if (text === undefined) return undefined;
  const file = 'tokenizer_config.json';
  return { file, source: text, template: compileChatTemplate(text, file) };
}

export function createTokenizer(
  tokenizerJson: Json,
  tokenizerConfig: Json,
  extraEosIds: number[] = [],
  chatTemplate?: ChatTemplate,
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
  const chat = chatTemplate ?? configTemplate(tokenizerConfig);
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
      if (!chat)
        throw new Error(
          'chat template: none found (chat_template.jinja, chat_template.json, tokenizer_config.json); cannot format a chat',
        );
      try {
        return chat.template.render({
          messages,
          add_generation_prompt: options?.addGenerationPrompt ?? true,
          bos_token: names.bos ?? '',
          eos_token: names.eos ?? '',
          pad_token: names.pad ?? '',
        });
      } catch (error) {
        throw new Error(
          `${chat.file}: the chat template failed to render (${(error as Error).message})`,
        );
      }
    },
  };
}
