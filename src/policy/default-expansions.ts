import type { PossibleValues } from './possible-values.js';

/** `${NS:-prod}`, `${NS=prod}`, `${NS:+prod}`…: the operators that stand for a word of their own, by whether the variable is set (and not empty, with `:`). */
type Operator = '-' | ':-' | '=' | ':=' | '+' | ':+';

/** A variable's expansion with a literal word: its value, or the word, as the variable is unset, empty or set. */
export interface DefaultExpansion {
  /** As written (`${NS:-prod}`): a reading of the values a word may hold keeps the expansion's value under it. */
  readonly text: string;
  readonly name: string;
  readonly operator: Operator;
  readonly word: string;
  /** Where it ends in the text it was found in. */
  readonly end: number;
}

/** The word is kept to characters that expand to themselves: no quotes, no `$`, no glob, no tilde. */
const EXPANSION = /\$\{([A-Za-z_][A-Za-z0-9_]*|[0-9]+)(:?[-=+])([A-Za-z0-9_./+@%,=:-]*)\}/y;

/** The expansion with a literal word written at `at` in a word's text, if one is. */
export function defaultAt(text: string, at: number): DefaultExpansion | undefined {
  EXPANSION.lastIndex = at;
  const match = EXPANSION.exec(text);
  if (match === null) return undefined;
  return { text: match[0], name: match[1]!, operator: match[2] as Operator, word: match[3]!, end: at + match[0].length };
}

/** Every such expansion in a word's text. */
export function defaultsIn(text: string): DefaultExpansion[] {
  const found: DefaultExpansion[] = [];
  for (let at = text.indexOf('${'); at !== -1; at = text.indexOf('${', at + 1)) {
    const expansion = defaultAt(text, at);
    if (expansion !== undefined) found.push(expansion);
  }
  return found;
}

/** A value that is one such expansion, whole (`${NS:-prod}`, `"${NS:=prod}"`): what an assignment of it gives. */
export function wholeDefault(text: string): DefaultExpansion | undefined {
  const unquoted = /^"[^"]*"$/.test(text) ? text.slice(1, -1) : text;
  const expansion = defaultAt(unquoted, 0);
  return expansion?.end === unquoted.length ? expansion : undefined;
}

/** The expansion's value where its variable is set to `value`. */
export function expandedWith(expansion: DefaultExpansion, value: string): string {
  switch (expansion.operator) {
    case '-':
    case '=':
      return value;
    case ':-':
    case ':=':
      return value === '' ? expansion.word : value;
    case '+':
      return expansion.word;
    case ':+':
      return value === '' ? '' : expansion.word;
  }
}

/**
 * What the expansion may give where its variable may hold `held`: each of those values as expanded, what it gives where
 * the variable is unset (the word for `-`, `=`; nothing for `+`), and, while it may hold another value too, what that
 * gives: the word (`:-`, `:=`) or nothing (`:+`) where that may be empty, the word for `+` and `:+` where it is surely
 * set and not empty (`held.nonEmpty`). So `${NS:-prod}` of a variable nothing is known of may be `prod`, and of one
 * surely set to something not empty (`NS=${NS:-web}` before) is NS's value, never `prod`.
 */
export function expandedValues(expansion: DefaultExpansion, held: PossibleValues): PossibleValues {
  const values = held.values.map((value) => expandedWith(expansion, value));
  const alternate = expansion.operator === '+' || expansion.operator === ':+';
  if (held.unset) values.push(alternate ? '' : expansion.word);
  if (held.complete) return { values: [...new Set(values)], complete: true };
  if (alternate) {
    // Another value gives the word, or nothing where it may be unset or (`:+`) empty: no other value can come out.
    return { values: [...new Set([...values, expansion.word, ...(held.nonEmpty ? [] : [''])])], complete: true };
  }
  if (held.nonEmpty) return { values: [...new Set(values)], complete: false, nonEmpty: true };
  // Unset, or (with `:`) empty, gives the word; any other value is itself, and not empty with `:`.
  return { values: [...new Set([expansion.word, ...values])], complete: false, ...(expansion.operator.startsWith(':') ? { nonEmpty: true as const } : {}) };
}
