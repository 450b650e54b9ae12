/** The value at a path inside a parsed document, or undefined. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** How a wrong value is named in messages: `string "abc"`, `number 7`, `array`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'object';
  // 1e400 in a plan file parses to Infinity: say why it is not a number a plan can use.
  // `.inf` and `-.inf` too: "too large" would not tell the author of `maxAttempts: .inf` what was read.
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN (.nan), which is no number' : `${value < 0 ? '-' : ''}infinity (${value < 0 ? '-' : ''}.inf, or a number past ${value < 0 ? '-' : ''}1.8e308), which is no finite number`;
  return `${typeof value} ${String(value)}`;
}

/** Any non-array object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A data object as YAML and JSON parsers make them; class instances and exotic prototypes are not. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** What a value of the wrong type gets told: `is required (number)` when absent, else `expected number, got string "abc"`. */
export function typeProblem(expected: string, received: unknown): string {
  return received === undefined ? `is required (${expected})` : `expected ${expected}, got ${describeValue(received)}`;
}

/**
 * What a value outside the ones allowed (an enum, a literal) gets told, naming them and the value given, as an
 * MCP tool's argument is: `expected one of "none", "server", "client", got string "yes"`.
 */
export function choiceProblem(allowed: readonly unknown[], received: unknown): string {
  const values = allowed.map((value) => (typeof value === 'bigint' ? String(value) : (JSON.stringify(value) ?? String(value))));
  return typeProblem(values.length === 1 ? values[0]! : `one of ${values.join(', ')}`, received);
}
