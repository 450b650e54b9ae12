import { movesArguments, withArguments, type FunctionDefinition } from './function-calls.js';
import type { ShellWord } from './shell-syntax.js';

/** How deep calls of functions the line defines are followed (a function calling another with its own arguments). */
const MAX_CALL_DEPTH = 8;
/** Calls followed per function: each is one more reading of its body. */
const MAX_CALLS = 32;

/** The commands of a line, where each starts, and the functions it defines. */
export interface LineFunctions {
  readonly commands: readonly (readonly ShellWord[])[];
  readonly starts: readonly number[];
  readonly functions: readonly FunctionDefinition[];
  /** The line's text, which the functions' places index. */
  readonly code: string;
}

/**
 * The arguments a command of a function's body may run with as `$1`, `$2`…: one list per call of the function the
 * line makes (`f() { kubectl delete ns "$1"; }; f prod`), each word filled in by `fill` as the call's place knows it.
 * A call made inside another function counts once with that function's own arguments unknown, and once per call of
 * that one. None for a command outside any function, nor for a body that moves its arguments (`shift`, `set --`,
 * `getopts`, `eval`, `source`), where `$1` may be any of the call's words.
 */
export function argumentBindings(line: LineFunctions, fill: (command: number, words: readonly ShellWord[], bound?: readonly ShellWord[]) => ShellWord[]): (command: number) => readonly (readonly ShellWord[])[] {
  const enclosing = (at: number) => line.functions.filter((definition) => definition.start < at && at < definition.end).sort((a, b) => b.start - a.start)[0];
  const called = (name: string | undefined, at: number) => (name === undefined ? undefined : line.functions.findLast((definition) => definition.name === name && definition.start < at));
  const moves = (definition: FunctionDefinition) =>
    /\bOPTIND\b/.test(line.code.slice(definition.start, definition.end)) || line.commands.some((words, i) => line.starts[i]! > definition.start && line.starts[i]! < definition.end && movesArguments(words));
  const memo = new Map<string, ShellWord[][]>();
  const bindings = (definition: FunctionDefinition, depth: number): ShellWord[][] => {
    const key = `${definition.start}:${depth}`;
    if (!memo.has(key)) memo.set(key, depth >= MAX_CALL_DEPTH || moves(definition) ? [] : callReadings(definition, depth));
    return memo.get(key)!;
  };
  const callReadings = (definition: FunctionDefinition, depth: number): ShellWord[][] => {
    const found = new Map<string, ShellWord[]>();
    line.commands.forEach((words, i) => {
      if (found.size >= MAX_CALLS || called(words[0]?.literal, line.starts[i]!) !== definition) return;
      const args = words.slice(1);
      const outer = enclosing(line.starts[i]!);
      const readings = [fill(i, args), ...(outer === undefined ? [] : bindings(outer, depth + 1).map((bound) => fill(i, withArguments(args, bound), bound)))];
      for (const reading of readings) found.set(reading.map((word) => word.text).join('\0'), reading);
    });
    return [...found.values()].slice(0, MAX_CALLS);
  };
  return (command) => {
    const definition = enclosing(line.starts[command] ?? -1);
    return definition === undefined ? [] : bindings(definition, 0);
  };
}

/** The value of a positional parameter (`1`, `2`…) a call binds: empty past the last argument; undefined when not known. */
export function boundArgument(name: string, bound: readonly ShellWord[]): string | undefined {
  if (!/^[1-9][0-9]*$/.test(name)) return undefined;
  const index = Number(name) - 1;
  return index >= bound.length ? '' : bound[index]!.literal;
}
