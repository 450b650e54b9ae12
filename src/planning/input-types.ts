import { looksSecret } from './secret-names.js';
import { mayQuote } from './quotable-values.js';
import { leadingZeroMisreads, leadingZeroReading } from './leading-zero.js';
import { closestMatch } from './suggest.js';
import { inexactNumberPaths, inexactNumberProblem } from './inexact-numbers.js';
import { describeValue, isRecord, valueAt } from './values.js';

/** A problem with an input given on the command line (`--input name=value`). */
export type GivenInputProblem = { readonly code: 'unknown_input' | 'invalid_input'; readonly message: string };

/**
 * What is wrong with the inputs given for a plan, known once every step was read:
 * - one the plan neither declares nor reads is a typo (--input nmae=web): the run
 *   would go on with the default of the input meant;
 * - one of another kind than the plan's default for it: a number, a true/false, a
 *   list or a mapping the run would only trip over in the middle (`inputs.port > 1000`
 *   with `--input port=abc`, `inputs.regions.join(',')` with `--input regions=eu`).
 *   Strings and inputs without a default take anything,
 * - one without a declared value that the plan reads as a number (`inputs.replicas > 2`) but that did not read
 *   as one (only a number written plainly does, `-2.5`, `-0`: `+3`, `3.0`, `007`, `1e1`, a number past 2^53 stay text).
 */
export function givenInputProblems(
  declared: Readonly<Record<string, unknown>>,
  read: ReadonlySet<string>,
  given: Readonly<Record<string, unknown>>,
  numberReaders: ReadonlyMap<string, string> = new Map(),
): GivenInputProblem[] {
  const names = Object.keys(declared);
  const problems: GivenInputProblem[] = [];
  for (const name of Object.keys(given)) {
    if (names.includes(name) || read.has(name)) continue;
    const hint = closestMatch(name, names);
    problems.push({ code: 'unknown_input', message: `--input ${name}: the plan has no input "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}; its inputs: ${names.join(', ') || 'none'}` });
  }
  for (const [name, value] of Object.entries(given)) {
    const reader = numberReaders.get(name);
    const valueless = !Object.hasOwn(declared, name) || declared[name] === null || declared[name] === undefined;
    if (reader === undefined || !valueless || typeof value === 'number') continue;
    const shown = mayQuote(name, [], value) ? describeValue(value) : `a ${typeof value}`;
    problems.push({
      code: 'invalid_input',
      message: `--input ${name}: "${reader}" reads it as a number, and ${shown} is not one: without a declared value only a number written plainly (5, -3, 2.5; no +, leading zero, trailing zero or exponent; up to 2^53) is read as a number; give one, or declare a number default (${name}: 0) to pass it as written`,
    });
  }
  for (const [name, value] of Object.entries(given)) {
    if (!Object.hasOwn(declared, name)) continue;
    const fallback = declared[name];
    const kind = KIND[kindOf(fallback)];
    if (kind === 'a number' && typeof value === 'string' && leadingZeroMisreads(value)) {
      const reading = looksSecret(name) ? '' : `, ${leadingZeroReading(value, Number(value))}`;
      problems.push({ code: 'invalid_input', message: `--input ${name}: ${looksSecret(name) ? 'the value' : value} is a number written with a leading zero${reading}: give it without` });
      continue;
    }
    if (kind === 'a number' && typeof value === 'string' && /^-?\d+$/.test(value)) {
      problems.push({ code: 'invalid_input', message: `--input ${name}: ${looksSecret(name) ? 'the value' : value} is a whole number too large to keep exact (more than ${Number.MAX_SAFE_INTEGER}): to pass it as text, quote the plan's default` });
      continue;
    }
    for (const at of kind === undefined ? [] : inexactNumberPaths(value)) {
      const where = at.length === 0 ? 'the value' : `item ${at.map((key) => `[${JSON.stringify(key)}]`).join('')}`;
      problems.push({ code: 'invalid_input', message: `--input ${name}: ${where} ${inexactNumberProblem(valueAt(value, at))}` });
    }
    if (kind === undefined || kindOf(value) === kindOf(fallback)) continue;
    // A list's or mapping's default may be long: its kind says enough.
    // A secret input's default is a secret too (a PIN), or a stand-in for one a run did not store.
    const shown = Array.isArray(fallback) || isRecord(fallback) || !mayQuote(name, [], fallback) ? 'default is' : `default ${JSON.stringify(fallback)} is`;
    problems.push({ code: 'invalid_input', message: `--input ${name}: expected ${kind}, as the plan's ${shown}; got ${mayQuote(name, [], value) ? describeValue(value) : `a ${typeof value}`}` });
  }
  return problems;
}

const KIND: Partial<Record<ReturnType<typeof kindOf>, string>> = {
  number: 'a number',
  boolean: 'true or false',
  list: 'a list (YAML or JSON: [a, b])',
  mapping: 'a mapping (YAML or JSON: {key: value})',
};

/** The kind of value an input holds, as given values are checked against its default: any other value is `other`. */
export const INPUT_KINDS = ['number', 'boolean', 'list', 'mapping', 'other'] as const;
export type InputKind = (typeof INPUT_KINDS)[number];

export function kindOf(value: unknown): InputKind {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'list';
  return isRecord(value) ? 'mapping' : 'other';
}
