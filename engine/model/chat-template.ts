// Where a model folder keeps its chat template, in transformers' order: chat_template.jinja,
// then chat_template.json ({ "chat_template": ... }), then tokenizer_config.json's
// chat_template. Newer exports (SmolVLM2) ship only the first two. The template is compiled
// here so a broken one is reported with its file, not at the first question.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from '@huggingface/jinja';

export const CHAT_TEMPLATE_FILES = [
  'chat_template.jinja',
  'chat_template.json',
  'tokenizer_config.json',
] as const;

export interface ChatTemplate {
  /** The file the template came from (one of CHAT_TEMPLATE_FILES). */
  file: string;
  source: string;
  template: Template;
}

type Json = Record<string, unknown>;

/** A template value as configs write it: a string, or a list of named templates ('default' wins). */
export function templateText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const named = value as { name?: string; template?: string }[];
    return (named.find((t) => t.name === 'default') ?? named[0])?.template;
  }
  return undefined;
}

function readJsonTemplate(path: string, file: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const text = templateText((parsed as Json | null)?.chat_template);
  if (text === undefined)
    throw new Error(`${file}: has no "chat_template" string, which is the only thing it is for`);
  return text;
}

/** Parses the template; the Error names the file and what the parser stopped at. */
export function compileChatTemplate(source: string, file: string): Template {
  try {
    return new Template(source);
  } catch (error) {
    throw new Error(
      `${file}: the chat template is not valid Jinja (${(error as Error).message}); check its braces and {% end... %} tags`,
    );
  }
}

/**
 * The folder's chat template, or undefined when none of the three places has one. The
 * tokenizer config is passed in (already read); the other two files are read here.
 */
export function findChatTemplate(dir: string, tokenizerConfig?: Json): ChatTemplate | undefined {
  const [jinja, json, config] = CHAT_TEMPLATE_FILES;
  let found: { file: string; source: string } | undefined;
  if (existsSync(join(dir, jinja)))
    found = { file: jinja, source: readFileSync(join(dir, jinja), 'utf8') };
  else if (existsSync(join(dir, json)))
    found = { file: json, source: readJsonTemplate(join(dir, json), json)! };
  else {
    const source = templateText(tokenizerConfig?.chat_template);
    if (source !== undefined) found = { file: config, source };
  }
  return found && { ...found, template: compileChatTemplate(found.source, found.file) };
}

/** The validator's line for a folder with no template anywhere. */
export function missingChatTemplateMessage(dir: string): string {
  return `chat template: none found in ${dir}; looked for ${CHAT_TEMPLATE_FILES[0]}, ${CHAT_TEMPLATE_FILES[1]} and the "chat_template" field of ${CHAT_TEMPLATE_FILES[2]}; without one a question cannot be formatted for the model`;
}
