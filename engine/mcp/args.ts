// Checks a tool call's arguments against the tool's own input schema (tools.ts), so the
// schema clients see and the checks the server makes cannot drift apart. Every refusal
// names the argument, the type or range it must have, and what came instead.
import type { Tool } from '@modelcontextprotocol/sdk/types.js';

export class ToolInputError extends Error {}

interface PropertySchema {
  type: 'string' | 'number' | 'integer' | 'boolean';
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function checkValue(name: string, value: unknown, schema: PropertySchema): void {
  const wanted = schema.type === 'integer' ? 'an integer' : `a ${schema.type}`;
  const isNumber = typeof value === 'number' && Number.isFinite(value);
  const fits =
    schema.type === 'integer'
      ? isNumber && Number.isInteger(value)
      : schema.type === 'number'
        ? isNumber
        : typeof value === schema.type;
  // A number of the wrong kind (2.5 for an integer) is shown as itself; anything else by type.
  const numeric = isNumber && (schema.type === 'integer' || schema.type === 'number');
  if (!fits)
    throw new ToolInputError(
      `argument '${name}' must be ${wanted} (got ${numeric ? value : describe(value)})`,
    );
  if (typeof value === 'number') {
    const { minimum = -Infinity, maximum = Infinity } = schema;
    if (value < minimum || value > maximum)
      throw new ToolInputError(
        `argument '${name}' must be from ${minimum} to ${maximum} (got ${value})`,
      );
  }
  if (
    typeof value === 'string' &&
    schema.maxLength !== undefined &&
    value.length > schema.maxLength
  )
    throw new ToolInputError(
      `argument '${name}' is longer than ${schema.maxLength} characters (${value.length})`,
    );
}

/**
 * Checks `args` against `tool.inputSchema`: no unknown arguments, every required one
 * present and non-empty, each of its declared type and within its bounds. Absent, null
 * and (for strings) empty optional arguments count as not given.
 */
export function checkToolArguments(tool: Tool, args: unknown): Record<string, unknown> {
  if (typeof args !== 'object' || args === null || Array.isArray(args))
    throw new ToolInputError(`arguments must be an object (got ${describe(args)})`);
  const given = args as Record<string, unknown>;
  const properties = (tool.inputSchema.properties ?? {}) as Record<string, PropertySchema>;
  const known = Object.keys(properties);
  for (const name of Object.keys(given))
    if (!known.includes(name))
      throw new ToolInputError(
        `unknown argument '${name}'; ${tool.name} takes ${known.map((k) => `'${k}'`).join(', ')}`,
      );
  const checked: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(properties)) {
    const value = given[name];
    if (value === undefined || value === null || value === '') {
      if (tool.inputSchema.required?.includes(name))
        throw new ToolInputError(`missing required argument '${name}' (${schema.type})`);
      continue;
    }
    checkValue(name, value, schema);
    checked[name] = value;
  }
  return checked;
}
