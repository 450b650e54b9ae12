import { literalWord, type ShellWord } from './shell-syntax.js';

/** A function a line defines (`f() { …; }`): where it is written, and whether every run of the line defines it. */
export interface FunctionDefinition {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  /** A statement of the line itself (not in a branch, a loop or the background): from there on, the name calls it. */
  firm: boolean;
}

/**
 * The definition a command calls: the last firm one of its name that ends before the command starts
 * (a command inside the body itself is rated where it is, as a recursion is by functionRisk).
 */
export function calledDefinition(definitions: readonly FunctionDefinition[], name: string | undefined, at: number): FunctionDefinition | undefined {
  if (name === undefined) return undefined;
  return definitions.findLast((definition) => definition.firm && definition.name === name && definition.end <= at);
}

/** `"$1"`, `${2}`, `$@`, `"$*"`: a word that is one positional parameter, or all of them. */
const POSITIONAL = /^("?)\$(?:(\d)|\{(\d+)\}|([@*]))\1$/;

/**
 * A command of a function's body with the call's arguments in place of the positional parameters it reads as
 * whole words (`kubectl get pods -n "$1"` called as `f shop` is `kubectl get pods -n shop`); an unquoted one
 * splits into words, `"$@"` gives each argument, `"$*"` one word. Other words stay as written.
 */
export function withArguments(words: readonly ShellWord[], args: readonly ShellWord[]): ShellWord[] {
  return words.flatMap((word) => {
    const match = POSITIONAL.exec(word.text);
    if (match === null || word.literal !== undefined) return [word];
    const quoted = match[1] === '"';
    const index = match[2] ?? match[3];
    const values = index === undefined ? args : args.slice(Number(index) - 1, Number(index)).concat(Number(index) > args.length ? [literalWord('')] : []);
    if (quoted && match[4] === '*') return [joined(values)];
    if (quoted) return [...values];
    return values.flatMap((value) => (value.literal === undefined ? [value] : value.literal.split(/\s+/).filter(Boolean).map(literalWord)));
  });
}

function joined(words: readonly ShellWord[]): ShellWord {
  const literal = words.every((word) => word.literal !== undefined) ? words.map((word) => word.literal).join(' ') : undefined;
  return { literal, text: words.map((word) => word.text).join(' '), hints: words.flatMap((word) => word.hints) };
}
