// The chat reads config.json, the model capability cache, MCP server entries and (for --continue) the session
// index before its first frame, and loading zod for them costs more there (30-40 ms) than everything else the
// read does. plainConfigFile, plainCapabilityFile, plainMcpEntry and plainSessionSummary, built from these
// checks (and planning's isRecord), take a value whose every field plainly fits its schema, as the schema
// would return it; anything else goes to the schema, for its answer and its words.
// test/agent/plain-files.test.ts holds them to the schemas on random input.

type Fields = Record<string, unknown>;

export const optional = (value: unknown, check: (value: unknown) => boolean) => value === undefined || check(value);
export const isString = (value: unknown): value is string => typeof value === 'string';
export const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
export const isInt = (value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number => Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
/** What z.string().url() keeps as it is: no whitespace to trim, no tab or line break to strip. */
export const isPlainURL = (value: unknown): value is string => isString(value) && value === value.trim() && !/[\t\n\r]/.test(value) && URL.canParse(value);

/** Only the keys a schema knows, those present: z.object drops the others. */
export function known<T>(fields: Fields, keys: readonly string[]): T {
  const out: Fields = {};
  for (const key of keys) if (fields[key] !== undefined) out[key] = fields[key];
  return out as T;
}
