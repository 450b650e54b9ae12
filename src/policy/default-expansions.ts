import type { PossibleValues } from './possible-values.js';

/** `${NS:-prod}`, `${NS=prod}`, `${NS:+prod}`…: the operators that stand for a word of their own, by whether the variable is set (and not empty, with `:`). */
type Operator = '-' | ':-' | '=' | ':=' | '+' | ':+';

/** A piece of a default's word: text as bash leaves it once quotes are removed, a variable's value, or another default. */
export type WordPart = { readonly text: string } | { readonly variable: string } | { readonly expansion: DefaultExpansion };

/** A variable's expansion with a word of its own: its value, or the word, as the variable is unset, empty or set. */
export interface DefaultExpansion {
  /** As written (`${NS:-prod}`): a reading of the values a word may hold keeps the expansion's value under it. */
  readonly text: string;
  readonly name: string;
  readonly operator: Operator;
  /** `prod`, `"prod"`, `'prod'`, `p\rod`, `$X`, `${X}`, `${D:-prod}`, and text joined to them. */
  readonly word: readonly WordPart[];
  /** Where it ends in the text it was found in. */
  readonly end: number;
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*|[0-9]+/y;
const OPERATOR = /:?[-=+]/y;
/** Deeper defaults in a default's word are not read. */
const MAX_NESTING = 8;

/**
 * The expansion with a word of its own written at `at` in a word's text, if one is. `quoted`: it stands inside double
 * quotes (`"${NS:-'x'}"` keeps the single quotes), undefined where that is not known (then a word with a single quote
 * is not read). A word that is more than text, variables and such expansions (`$(…)`, a glob or `~` unquoted, `${#X}`,
 * `${X%y}`) is not read either: its value is not known before running.
 */
export function defaultAt(text: string, at: number, quoted: boolean | undefined = false, depth = 0): DefaultExpansion | undefined {
  if (depth > MAX_NESTING || text[at] !== '$' || text[at + 1] !== '{') return undefined;
  NAME.lastIndex = at + 2;
  const name = NAME.exec(text)?.[0];
  if (name === undefined) return undefined;
  OPERATOR.lastIndex = at + 2 + name.length;
  const operator = OPERATOR.exec(text)?.[0] as Operator | undefined;
  if (operator === undefined) return undefined;
  const word: WordPart[] = [];
  const addText = (part: string) => {
    const last = word.at(-1);
    if (last !== undefined && 'text' in last) word[word.length - 1] = { text: last.text + part };
    else word.push({ text: part });
  };
  // Double quotes inside the word (`${NS:-"prod"}`, also in `"${NS:-"prod"}"`) are removed, and what they hold is not
  // split; single quotes are quoting only outside double quotes (`"${NS:-'x'}"` is `'x'`).
  let open = false;
  let i = at + 2 + name.length + operator.length;
  for (; i < text.length; i++) {
    const char = text[i]!;
    if (char === '}' && !open) break;
    const doubled = open || quoted === true;
    if (char === '"') open = !open;
    else if (char === "'" && !doubled) {
      if (quoted === undefined) return undefined;
      const close = text.indexOf("'", i + 1);
      if (close === -1 || /\s/.test(text.slice(i + 1, close))) return undefined;
      addText(text.slice(i + 1, close));
      i = close;
    } else if (char === '\\') {
      const next = text[i + 1];
      if (next === undefined) return undefined;
      // Inside double quotes a backslash escapes only $ ` " \ and a newline; an escaped blank is not split either.
      if (!doubled && /\s/.test(next) && next !== '\n') return undefined;
      if (doubled && !/[$`"\\\n]/.test(next)) addText(char);
      else if (next !== '\n') addText(next);
      i++;
    } else if (char === '$') {
      const nested = defaultAt(text, i, doubled, depth + 1);
      const variable = nested === undefined ? variableAt(text, i) : undefined;
      if (nested !== undefined) word.push({ expansion: nested });
      else if (variable !== undefined) word.push({ variable: variable.name });
      else return undefined;
      i = (nested?.end ?? variable!.end) - 1;
    } else if (char === '`' || (!doubled && (/[*?[{]/.test(char) || (char === '~' && word.length === 0)))) return undefined;
    // Quoted blanks in a word that is not: one word bash does not split, which a value read here would be.
    else if (open && quoted !== true && /\s/.test(char)) return undefined;
    else addText(char);
  }
  if (i >= text.length || open) return undefined;
  return { text: text.slice(at, i + 1), name, operator, word, end: i + 1 };
}

/** `$NAME`, `${NAME}`, `$1`, `${10}` at `at`: the name and where the reference ends. */
function variableAt(text: string, at: number): { readonly name: string; readonly end: number } | undefined {
  const braced = text[at + 1] === '{';
  NAME.lastIndex = at + (braced ? 2 : 1);
  let name = NAME.exec(text)?.[0];
  if (name === undefined) return undefined;
  // `$10` is `$1` then a 0.
  if (!braced && /^[0-9]/.test(name)) name = name[0]!;
  const end = at + (braced ? 2 : 1) + name.length;
  if (!braced) return { name, end };
  return text[end] === '}' ? { name, end: end + 1 } : undefined;
}

/** Every such expansion in a word's text, outside single quotes, with whether it stands in double quotes. */
export function defaultsIn(text: string): DefaultExpansion[] {
  const found: DefaultExpansion[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\') i++;
    else if (char === '"') quoted = !quoted;
    else if (char === "'" && !quoted) {
      const close = text.indexOf("'", i + 1);
      if (close === -1) break;
      i = close;
    } else if (char === '$') {
      const expansion = defaultAt(text, i, quoted);
      if (expansion === undefined) continue;
      found.push(expansion);
      i = expansion.end - 1;
    }
  }
  return found;
}

/** A value that is one such expansion, whole (`${NS:-prod}`, `"${NS:=prod}"`): what an assignment of it gives. */
export function wholeDefault(text: string, quoted: boolean | undefined = false): DefaultExpansion | undefined {
  if (text.length > 2 && text.startsWith('"') && text.endsWith('"')) {
    const expansion = defaultAt(text, 1, true);
    return expansion?.end === text.length - 1 ? expansion : undefined;
  }
  const expansion = defaultAt(text, 0, quoted);
  return expansion?.end === text.length ? expansion : undefined;
}

/** The variables a default's word reads, nested defaults' own included. */
export function wordReads(word: readonly WordPart[]): string[] {
  return word.flatMap((part) => ('variable' in part ? [part.variable] : 'expansion' in part ? [part.expansion.name, ...wordReads(part.expansion.word)] : []));
}

/** The default's word where each variable it reads has the value `valueOf` knows for sure; undefined when one has none. */
export function sureWord(word: readonly WordPart[], valueOf: (name: string) => string | undefined): string | undefined {
  let out = '';
  for (const part of word) {
    const value = 'text' in part ? part.text : 'variable' in part ? valueOf(part.variable) : sureExpansion(part.expansion, valueOf);
    if (value === undefined) return undefined;
    out += value;
  }
  return out;
}

/** The expansion's value where its variable, and those its word reads, hold the values `valueOf` knows for sure. */
export function sureExpansion(expansion: DefaultExpansion, valueOf: (name: string) => string | undefined): string | undefined {
  const value = valueOf(expansion.name);
  if (value === undefined) return undefined;
  const gives = givesWord(expansion.operator, value);
  return gives === false ? value : gives === '' ? '' : sureWord(expansion.word, valueOf);
}

/** What the operator gives where the variable is set to `value`: the word (true), the value itself (false), or nothing (''). */
function givesWord(operator: Operator, value: string): boolean | '' {
  switch (operator) {
    case '-':
    case '=':
      return false;
    case ':-':
    case ':=':
      return value === '';
    case '+':
      return true;
    case ':+':
      return value === '' ? '' : true;
  }
}

/** Values a default's word is read with, at most, as for a variable (possibleValues). */
const MAX_WORD_VALUES = 16;

/**
 * The values a default's word may have where its variables may hold what `possible` says: each combination of theirs,
 * joined to its text (a nested default's own, expandedValues). Not complete where one of them may hold a value not known.
 */
export function wordValues(word: readonly WordPart[], possible: (name: string) => PossibleValues): PossibleValues {
  let values = [''];
  let complete = true;
  for (const part of word) {
    let held: PossibleValues;
    if ('text' in part) held = { values: [part.text], complete: true };
    else if ('variable' in part) {
      const own = possible(part.variable);
      held = own.unset ? { ...own, values: [...own.values, ''] } : own;
    } else held = expandedValues(part.expansion, possible(part.expansion.name), wordValues(part.expansion.word, possible));
    complete &&= held.complete;
    values = values.flatMap((value) => held.values.map((each) => value + each));
    if (values.length > MAX_WORD_VALUES) {
      values = values.slice(0, MAX_WORD_VALUES);
      complete = false;
    }
  }
  return { values: [...new Set(values)], complete };
}

/**
 * What the expansion may give where its variable may hold `held` and its word `word`: each of those values as expanded,
 * what it gives where the variable is unset (the word for `-`, `=`; nothing for `+`), and, while it may hold another
 * value too, what that gives: the word (`:-`, `:=`) or nothing (`:+`) where that may be empty, the word for `+` and
 * `:+` where it is surely set and not empty (`held.nonEmpty`). So `${NS:-prod}` of a variable nothing is known of may be
 * `prod`, and of one surely set to something not empty (`NS=${NS:-web}` before) is NS's value, never `prod`. Not
 * complete where the variable's other value, or the word, may be one not known.
 */
export function expandedValues(expansion: DefaultExpansion, held: PossibleValues, word: PossibleValues): PossibleValues {
  const values: string[] = [];
  // What may come out besides `values`, each not known: whether each of them is surely not empty.
  const others: boolean[] = [];
  const theWord = () => {
    values.push(...word.values);
    if (!word.complete) others.push(word.nonEmpty === true);
  };
  for (const value of held.values) {
    const gives = givesWord(expansion.operator, value);
    if (gives === true) theWord();
    else values.push(gives === '' ? '' : value);
  }
  const alternate = expansion.operator === '+' || expansion.operator === ':+';
  if (held.unset) {
    if (alternate) values.push('');
    else theWord();
  }
  if (!held.complete) {
    if (alternate) {
      // Another value gives the word, or nothing where it may be unset or (`:+`) empty.
      theWord();
      if (held.nonEmpty !== true) values.push('');
    } else if (held.nonEmpty === true) others.push(true);
    else {
      // Unset, or (with `:`) empty, gives the word; any other value is itself, and not empty with `:`.
      theWord();
      others.push(expansion.operator.startsWith(':'));
    }
  }
  const nonEmpty = others.length > 0 && others.every(Boolean);
  return { values: [...new Set(values)], complete: others.length === 0, ...(nonEmpty ? { nonEmpty: true as const } : {}) };
}
