// Reading numbers out of config.json, with errors that name the field.

export type Json = Record<string, unknown>;

/** A required number; `where` prefixes the field's name (e.g. 'text_config.'). */
export function numberField(obj: Json, key: string, where = ''): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new Error(`config.json: ${where}${key} is missing or not a number`);
  return value;
}

export function optionalNumber(obj: Json, key: string): number | undefined {
  const value = obj[key];
  return typeof value === 'number' ? value : undefined;
}
