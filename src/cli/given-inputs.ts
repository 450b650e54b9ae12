import { parse as parseYaml } from 'yaml';
import { isPlainObject, isRecord } from '../planning/values.js';

/** A number as people write one: digits, a sign, a fraction; not 0x10, 1e3, +12 or " 4". */
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;

/**
 * The values given with `--input name=value`, read as the plan's default for each is written: text
 * stays the exact text given (`release=2.10`, `sha=0123e45`, `note=hotfix #42`), so does the value of
 * an input with no default or one the plan only reads; a number default takes a plain decimal number,
 * a true/false default true or false, a list or mapping default one written in YAML or JSON
 * (`regions=[eu-west-1, us-east-1]`). A value that does not read so is kept as given, and validation
 * says what was expected (`--input port: expected a number …`).
 */
export function readGivenInputs(declared: unknown, given: Readonly<Record<string, string>>): Record<string, unknown> {
  const defaults = isRecord(declared) ? declared : {};
  const inputs: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(given)) inputs[name] = readGivenValue(Object.hasOwn(defaults, name) ? defaults[name] : undefined, text);
  return inputs;
}

function readGivenValue(fallback: unknown, text: string): unknown {
  // A whole number past 2^53 stays text: validation refuses it rather than run with a neighbour.
  if (typeof fallback === 'number') return PLAIN_NUMBER.test(text) && (text.includes('.') || Number.isSafeInteger(Number(text))) ? Number(text) : text;
  if (typeof fallback === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  if (Array.isArray(fallback) || isRecord(fallback)) return readStructure(text);
  return text;
}

/** A list or a mapping as written (validation refuses the one of them the default is not); any other value the text. */
function readStructure(text: string): unknown {
  try {
    const value: unknown = parseYaml(text);
    return Array.isArray(value) || isPlainObject(value) ? value : text;
  } catch {
    return text;
  }
}
