import { LineCounter, parseDocument } from 'yaml';
import { isPlainObject, isRecord } from '../planning/values.js';
import { CliError } from './errors.js';
import { givenStructureProblem } from './given-structure-problems.js';

/** A number as people write one: digits, a sign, a fraction; not 0x10, 1e3, +12 or " 4". */
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;
/** A count as people write one, for an input without a default: no fraction (2.10 is a version), no leading zero (0123 a code). */
const WHOLE_NUMBER = /^(?:0|-?[1-9]\d*)$/;

/**
 * The values given with `--input name=value`, read as the plan's default for each is written: text
 * stays the exact text given (`release=2.10`, `sha=0123e45`, `note=hotfix #42`); an input with no
 * default (`replicas:`) or one the plan only reads has none to go by, so a plain whole number (`5`,
 * up to 2^53) is a number and exactly true/false a boolean, as `inputs.replicas > 2` expects, and
 * anything else (`2.10`, `0123`, `1e3`, `TRUE`) the exact text; a number default takes a plain decimal
 * number, a true/false default true or false (True, FALSE too), a list or mapping default one written in YAML or JSON
 * (`regions=[eu-west-1, us-east-1]`). A value that does not read so is kept as given, and validation
 * says what was expected (`--input port: expected a number …`).
 */
export function readGivenInputs(declared: unknown, given: Readonly<Record<string, string>>): Record<string, unknown> {
  const defaults = isRecord(declared) ? declared : {};
  const inputs: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(given)) inputs[name] = readGivenValue(name, Object.hasOwn(defaults, name) ? defaults[name] : undefined, text);
  return inputs;
}

function readGivenValue(name: string, fallback: unknown, text: string): unknown {
  // A whole number past 2^53 stays text: validation refuses it rather than run with a neighbour.
  if (typeof fallback === 'number') return PLAIN_NUMBER.test(text) && (text.includes('.') || Number.isSafeInteger(Number(text))) ? Number(text) : text;
  if (typeof fallback === 'boolean') return readBoolean(text);
  if (Array.isArray(fallback) || isRecord(fallback)) return readStructure(name, text);
  if (fallback === null || fallback === undefined) return readTypeless(text);
  return text;
}

/**
 * Only exactly `true`/`false` is a boolean here: with no default to say a boolean is meant, `TRUE` may be a
 * label and `True` a password, which must reach the step as typed.
 */
function readTypeless(text: string): unknown {
  if (WHOLE_NUMBER.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  return text === 'true' ? true : text === 'false' ? false : text;
}

/** true or false as YAML 1.2 reads them (True, TRUE too: a plan's own `debug: True` is a boolean); other text as given. */
function readBoolean(text: string): boolean | string {
  if (TRUE.has(text)) return true;
  return FALSE.has(text) ? false : text;
}

const TRUE = new Set(['true', 'True', 'TRUE']);
const FALSE = new Set(['false', 'False', 'FALSE']);

/**
 * A list or a mapping as written (validation refuses the one of them the default is not); any other value the text.
 * Read as a plan file is: merge keys (`<<: {…}`) apply, and what a plan file refuses is refused here, before
 * anything runs (exit 2): a tag (`!env HOME` would run as "HOME", `!!binary` as bytes), a key given twice,
 * a number that is not finite (`1e400`, `.inf`: null once recorded, Infinity in a command), or one written in
 * hexadecimal or octal (`0x1F`), which a number input refuses too.
 */
function readStructure(name: string, text: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, merge: true, logLevel: 'silent' });
  if (doc.errors.length > 0) return text;
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    return text;
  }
  if (!Array.isArray(value) && !isPlainObject(value)) return text;
  const problem = givenStructureProblem(name, doc, lineCounter, text);
  if (problem) throw new CliError({ message: `--input ${name}: ${problem}` });
  return value;
}

/** As for a plan file: enough for a few shared blocks, far from an expansion attack. */
const MAX_ALIAS_COUNT = 100;
