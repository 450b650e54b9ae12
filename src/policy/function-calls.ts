import { destroyRisk, writeRisk, type StepRisk } from './risk-level.js';
import { allChildren, evaluateWord, literalWord, namedChildren, type ShellNode, type ShellWord } from './shell-syntax.js';

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

/** `"$1"`, `${2}`, `$@`, `"${@}"`, `"$*"`: a word that is one positional parameter, or all of them. */
const POSITIONAL = /^("?)\$(?:(\d)|\{(\d+)\}|([@*])|\{([@*])\})\1$/;

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
    const all = match[4] ?? match[5];
    const values = index === undefined ? args : args.slice(Number(index) - 1, Number(index)).concat(Number(index) > args.length ? [literalWord('')] : []);
    if (quoted && all === '*') return [joined(values)];
    if (quoted) return [...values];
    return values.flatMap((value) => (value.literal === undefined ? [value] : value.literal.split(/\s+/).filter(Boolean).map(literalWord)));
  });
}

function joined(words: readonly ShellWord[]): ShellWord {
  const literal = words.every((word) => word.literal !== undefined) ? words.map((word) => word.literal).join(' ') : undefined;
  return { literal, text: words.map((word) => word.text).join(' '), hints: words.flatMap((word) => word.hints) };
}

/** A positional parameter read in any way: `$1`, `$@`, `$#`, `${@:2}`, `${!#}`, `${#}`. */
const ARGUMENT_READ = /\$(?:[\d@*#]|\{[!#]?[\d@*#])/;
/** `for a; do`, `select a do`: a loop over the arguments, with no `in`. */
const ARGUMENT_LOOP = /\b(?:for|select)\s+[A-Za-z_]\w*\s*(?:;|\n|\bdo\b)/;

/**
 * Whether a function's code reads its positional parameters otherwise than as whole words (`"$1"`, `$@`,
 * `"$*"`, which withArguments fills in): in an assignment, inside a longer word, an expansion with an
 * operator, `$#`, or a loop with no `in`.
 */
export function readsArgumentsIndirectly(code: string): boolean {
  if (ARGUMENT_LOOP.test(code)) return true;
  return code.split(/[\s;&|]+/).some((token) => ARGUMENT_READ.test(token) && !POSITIONAL.test(token));
}

/** Builtins that change a function's positional parameters, or may (code run by eval or source). */
const ARGUMENT_MOVERS = new Set(['shift', 'getopts', 'eval', 'source', '.']);

/**
 * Whether a command changes the positional parameters: `shift`, `set -- a b`, `set x`, `getopts`, code run by
 * eval or source, or a command whose name is known only at run time. `set -e`, `set -o pipefail` do not.
 */
export function movesArguments(words: readonly ShellWord[]): boolean {
  const start = words.findIndex((word) => word.literal !== 'builtin' && word.literal !== 'command');
  const name = words[start]?.literal;
  if (name === undefined) return start !== -1;
  if (ARGUMENT_MOVERS.has(name)) return true;
  if (name !== 'set') return false;
  const args = words.slice(start + 1);
  for (let i = 0; i < args.length; i++) {
    const text = args[i]!.literal;
    if (text === undefined || text === '-' || text === '--' || !/^[-+][A-Za-z]+$/.test(text)) return true;
    if (text.endsWith('o')) i++;
  }
  return false;
}

/**
 * `:(){ :|:& };:`: a function that calls itself in the background may start copies of itself without end (a fork
 * bomb takes the machine down); one that calls itself, or leaves commands running, is more than a read.
 */
export function functionRisk(node: ShellNode): StepRisk | undefined {
  const name = node.childForFieldName('name')?.text;
  const body = node.childForFieldName('body');
  if (name === undefined || body === null) return undefined;
  let recursive = false;
  let background = false;
  const walk = (current: ShellNode, depth: number): void => {
    if (depth > 200) return;
    if (current.type === 'command') {
      const called = current.childForFieldName('name');
      if (called !== null && evaluateWord(namedChildren(called)[0] ?? called).literal === name) recursive = true;
    }
    for (const child of allChildren(current)) {
      if (!child.isNamed && child.text === '&') background = true;
      walk(child, depth + 1);
    }
  };
  walk(body, 0);
  if (recursive && background) return destroyRisk(`function ${name} calls itself in the background: it may fill the machine with processes`);
  if (recursive) return writeRisk(`function ${name} calls itself`);
  return background ? writeRisk(`function ${name} leaves commands running in the background`) : undefined;
}
