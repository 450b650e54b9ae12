import type { FunctionDefinition } from './function-calls.js';

/** The functions a line defines where a command stands, for code that command runs in the same shell (`eval`, a trap). */
export interface Callable {
  /** The line's definitions, each with its text. */
  readonly definitions: readonly (FunctionDefinition & { readonly text: string })[];
  /** Where the command stands in the line. */
  readonly at: number;
}

/**
 * Characters of function definitions put before code run by eval or a trap, per line read: a line of many of them
 * calling many functions would otherwise read every body again for each. Past it, that code is read without them.
 */
export const MAX_CALLABLE_TEXT = 8_192;

/** Characters a shell function's name is made of, at most; what splits the words of code at anything else. */
const NOT_NAME = /[^A-Za-z0-9_.:@%+!?,~^-]+/;

/**
 * `f() { kubectl delete ns "$1"; }; eval "f prod"`, `trap 'f prod' EXIT`: the code eval or a trap runs, after the
 * definitions of the line's functions it may call (and those they may call), so a call in it is read with its words
 * as one written on the line is. eval runs where it stands: the functions defined before it, or all of them when it
 * is inside a function (which may be called once all are defined); a trap runs later (`later`): all of them.
 */
export function withCallable(code: string, callable: Callable, later: boolean, budget: { callableText: number }): { readonly code: string; readonly callableEnd: number } {
  const inFunction = callable.definitions.some((definition) => definition.start < callable.at && callable.at < definition.end);
  const available = later || inFunction ? callable.definitions : callable.definitions.filter((definition) => definition.end <= callable.at);
  if (available.length === 0) return { code, callableEnd: 0 };
  const byName = new Map<string, (typeof available)[number][]>();
  for (const definition of available) byName.set(definition.name, [...(byName.get(definition.name) ?? []), definition]);
  const included = new Set<(typeof available)[number]>();
  const pending = code.split(NOT_NAME);
  for (let word = pending.pop(); word !== undefined; word = pending.pop()) {
    for (const definition of byName.get(word) ?? []) {
      if (included.has(definition)) continue;
      included.add(definition);
      pending.push(...definition.text.split(NOT_NAME));
    }
    byName.delete(word);
  }
  if (included.size === 0) return { code, callableEnd: 0 };
  const prelude = [...included].sort((a, b) => a.start - b.start).map((definition) => definition.text);
  const length = prelude.reduce((sum, text) => sum + text.length + 1, 0);
  if (length > budget.callableText) return { code, callableEnd: 0 };
  budget.callableText -= length;
  // Where the definitions end: their commands, read in the line already, are read again only with a call's words.
  return { code: `${prelude.join('\n')}\n${code}`, callableEnd: length };
}
