// The JSON type of every chat-completions body field OpenAI documents, checked before
// anything else reads the body: `"stream": "yes"` is refused with a 400 naming the field
// and the type, worded as OpenAI words it, instead of being read as false. Fields we do
// not act on (penalties, logit_bias, user, ...) are still type-checked, so a client bug
// shows here too. Unknown fields pass: newer clients send fields older servers lack.
import { ApiError } from './errors';

export type JsonType = 'string' | 'boolean' | 'number' | 'integer' | 'object' | 'array';

/** Top-level fields; null counts as absent for each, as OpenAI treats it. */
export const BODY_FIELDS: Record<string, JsonType | JsonType[]> = {
  model: 'string',
  messages: 'array',
  stream: 'boolean',
  stream_options: 'object',
  max_tokens: 'integer',
  max_completion_tokens: 'integer',
  temperature: 'number',
  top_p: 'number',
  seed: 'integer',
  stop: ['string', 'array'],
  n: 'integer',
  presence_penalty: 'number',
  frequency_penalty: 'number',
  logit_bias: 'object',
  logprobs: 'boolean',
  top_logprobs: 'integer',
  user: 'string',
  response_format: 'object',
  tools: 'array',
  tool_choice: ['string', 'object'],
  parallel_tool_calls: 'boolean',
  store: 'boolean',
  metadata: 'object',
  modalities: 'array',
  reasoning_effort: 'string',
  service_tier: 'string',
};

/** Fields of `stream_options`. */
export const STREAM_OPTION_FIELDS: Record<string, JsonType> = { include_usage: 'boolean' };

/** Fields of one message besides `content`, which request.ts reads part by part. */
export const MESSAGE_FIELDS: Record<string, JsonType> = { role: 'string', name: 'string' };

export function jsonType(value: unknown): JsonType | 'null' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

function fits(value: unknown, expected: JsonType): boolean {
  const actual = jsonType(value);
  return actual === expected || (expected === 'number' && actual === 'integer');
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/** OpenAI's wording: "Invalid type for 'stream': expected a boolean, but got a string instead." */
export function invalidType(param: string, expected: JsonType | JsonType[], value: unknown) {
  const wanted = [expected].flat().map(article).join(' or ');
  const actual = jsonType(value);
  return new ApiError(
    400,
    'invalid_type',
    `Invalid type for '${param}': expected ${wanted}, but got ${actual === 'null' ? 'null' : article(actual === 'integer' ? 'number' : actual)} instead.`,
    param,
  );
}

/** Checks each known field of `fields` that is present and not null; `prefix` names the parent. */
export function checkFieldTypes(
  fields: Record<string, unknown>,
  types: Record<string, JsonType | JsonType[]>,
  prefix = '',
): void {
  for (const [name, expected] of Object.entries(types)) {
    const value = fields[name];
    if (value === undefined || value === null) continue;
    if (![expected].flat().some((type) => fits(value, type)))
      throw invalidType(prefix ? `${prefix}.${name}` : name, expected, value);
  }
}
