import { leadingZeroMisreads } from './leading-zero.js';

/** A number as people write one: digits, a sign, a fraction; not 0x10, 1e3, +12 or " 4". */
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;
/** A count as people write one, for an input without a default: no fraction (2.10 is a version), no leading zero (0123 a code). */
const WHOLE_NUMBER = /^(?:0|-?[1-9]\d*)$/;

/**
 * A value given as text (`--input name=value`, a secret typed again in the chat) read as the plan's default for
 * it is written, when that default is not a list or a mapping (those are read as YAML by the CLI): text stays the
 * exact text; a number default takes a plain decimal number, a true/false default true or false (True, FALSE
 * too); without a default a plain whole number is a number and exactly true/false a boolean. A value that does
 * not read so is kept as given, and validation says what was expected.
 */
export function readGivenText(fallback: unknown, text: string): unknown {
  // A whole number past 2^53 stays text: validation refuses it rather than run with a neighbour.
  // `017` stays text, refused as a list's item is: YAML 1.1 tools read it as octal 15, ksa would run with 17.
  if (typeof fallback === 'number') return PLAIN_NUMBER.test(text) && !leadingZeroMisreads(text) && (text.includes('.') || Number.isSafeInteger(Number(text))) ? Number(text) : text;
  if (typeof fallback === 'boolean') return readBoolean(text);
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
