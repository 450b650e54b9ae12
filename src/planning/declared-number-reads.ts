import { readsAsNumber, type InputPair } from './number-inputs.js';
import { mayQuote } from './quotable-values.js';
import { isRecord } from './values.js';

/** An expression reading an input as a number, and where it is: its step and field. */
export type NumberReadSite = { readonly name: string; readonly source: string; readonly stepId: string; readonly path: readonly (string | number)[] };

export type DeclaredNumberReadProblem = { readonly path: readonly (string | number)[]; readonly message: string };

/**
 * Each place an input with a declared value that is not a number (`replicas: "3"`, `enabled: true`) is read as
 * a number (`inputs.replicas > 2`, `inputs.replicas + 1`, or ordered or added with an input holding or read as
 * one): CEL orders and adds no text with a number ("no such overload"), so the step would fail mid-run. The
 * value that runs is the given one when there is one (a text default takes any text). An input declared as a
 * number given something else, and one declared without a value, are told about where the given value is checked.
 * `readers`: the inputs read as numbers; `inputs`: the given values, as validation read them.
 */
export function declaredNumberReadProblems(
  declared: Readonly<Record<string, unknown>>,
  inputs: Readonly<Record<string, unknown>>,
  readers: ReadonlyMap<string, unknown>,
  sites: readonly NumberReadSite[],
  pairs: readonly InputPair[],
): DeclaredNumberReadProblem[] {
  const given = (name: string) => Object.hasOwn(inputs, name);
  const valueOf = (name: string) => (given(name) ? inputs[name] : Object.hasOwn(declared, name) ? declared[name] : undefined);
  const misread = (name: string) => {
    const fallback = Object.hasOwn(declared, name) ? declared[name] : undefined;
    return readers.has(name) && fallback !== null && fallback !== undefined && typeof fallback !== 'number' && typeof valueOf(name) !== 'number';
  };
  const all = [...sites];
  // Through a pair, an input is read as a number where the other side holds or is read as one.
  for (const { left, right, source, stepId, path } of pairs) {
    for (const [side, other] of [[left, right], [right, left]] as const) {
      if (readers.has(other) || typeof valueOf(other) === 'number') all.push({ name: side, source, stepId, path });
    }
  }
  const problems: DeclaredNumberReadProblem[] = [];
  const seen = new Set<string>();
  for (const { name, source, stepId, path } of all) {
    const key = JSON.stringify([name, path]);
    if (!misread(name) || seen.has(key)) continue;
    seen.add(key);
    const read = `"${source}" in step "${stepId}" reads it as a number, which CEL does not compare or add with ${kindWords(valueOf(name))}`;
    problems.push({ path, message: `input ${name} is ${valueWords(name, valueOf(name), given(name))}; ${read}: ${fixWords(name, declared[name], valueOf(name))}` });
  }
  return problems;
}

export function kindWords(value: unknown): string {
  if (typeof value === 'string') return 'text';
  if (typeof value === 'boolean') return 'true or false';
  return Array.isArray(value) ? 'a list' : isRecord(value) ? 'a mapping' : 'null';
}

/** `text ("3")`; a secret input's value is not shown, nor is a list's or a mapping's (its kind says enough). */
function valueWords(name: string, value: unknown, given: boolean): string {
  const kind = kindWords(value);
  const from = given ? 'given with --input' : "the plan's default";
  if (!mayQuote(name, [], value) || typeof value === 'object') return `${kind} (${from})`;
  return `${kind} (${from} ${JSON.stringify(value)})`;
}

/** What to write instead, with the number the value stands for when it plainly is one. */
function fixWords(name: string, fallback: unknown, value: unknown): string {
  // `replicas: {default: "3"}` declares a mapping: an input's default is its value itself.
  const meant = isRecord(fallback) && Object.hasOwn(fallback, 'default') ? fallback.default : value;
  const number = typeof meant === 'number' ? String(meant) : typeof meant === 'string' && readsAsNumber(meant) && mayQuote(name, [], meant) ? meant : '0';
  const declare = `declare it as a number (${name}: ${number})`;
  if (isRecord(fallback) && Object.hasOwn(fallback, 'default')) return `an input is declared with its default as its value, not under "default:": ${declare}`;
  if (typeof value === 'string') return `${declare}, convert it where it is read (int(inputs.${name})), or compare it with a text`;
  return declare;
}
