import { movesArguments, withArguments, type FunctionDefinition } from './function-calls.js';
import type { ShellWord } from './shell-syntax.js';

/** Different argument lists kept per function: each is one more reading of its body. */
const MAX_CALLS = 32;
/**
 * Argument lists made for a whole line: a line of many functions calling one another could otherwise ask for a
 * reading of every body per way of reaching it. Past it, bodies not reached yet are met as written.
 */
const MAX_READINGS = 8192;
/**
 * Words in the argument lists made for a whole line: a body that hands on its own arguments and more
 * (`g "$1" "$@"`) makes each list longer than the one it was called with, and every word is filled in and read
 * again in each body it reaches, so a count of lists alone lets the work grow with the square of the depth.
 * Past it too, bodies not reached yet are met as written.
 */
export const MAX_BOUND_WORDS = 8192;

/** The commands of a line, where each starts, and the functions it defines. */
export interface LineFunctions {
  readonly commands: readonly (readonly ShellWord[])[];
  readonly starts: readonly number[];
  readonly functions: readonly FunctionDefinition[];
  /** The line's text, which the functions' places index. */
  readonly code: string;
  /** The positional parameters each `set -- …` statement of the line itself sets, by where it starts (setArguments). */
  readonly setArguments?: ReadonlyMap<number, readonly ShellWord[]>;
}

/** What argumentBindings tells of a command: the function its words are read in, and each list `$1`, `$2`… may be. */
export interface ArgumentBindings {
  readonly enclosing: (command: number) => FunctionDefinition | undefined;
  readonly bindings: (command: number) => readonly (readonly ShellWord[])[];
  /** The innermost function around a place of the line. */
  readonly enclosingAt: (at: number) => FunctionDefinition | undefined;
  /**
   * Whether `$1`, `$2`… of a command are surely one of its bindings: each call of its function is read (the line calls
   * functions only by names written out, and hands none to another shell or to code not known) and makes one, or,
   * outside any function, a `set --` of the line gives them.
   */
  readonly bound: (command: number) => boolean;
}

/** How a command's words are filled in: with `bound` as its `$1`, `$2`…, read where `within` holds (its own function's body). */
export type Fill = (command: number, words: readonly ShellWord[], bound?: readonly ShellWord[], within?: (at: number) => boolean) => ShellWord[][];

/** `time f prod`, `time -p f prod`: the keyword times the function call behind it, which still runs in this shell. */
function calledName(words: readonly ShellWord[]): { readonly name: string | undefined; readonly args: readonly ShellWord[] } {
  let at = 0;
  if (words[0]?.literal === 'time') {
    at = 1;
    while (words[at]?.literal === '-p' || words[at]?.literal === '--') at++;
  }
  return { name: words[at]?.literal, args: words.slice(at + 1) };
}

/**
 * The arguments a command of a function's body may run with as `$1`, `$2`…: one list per call of the function the
 * line makes (`f() { kubectl delete ns "$1"; }; f prod`), each word filled in by `fill` as the call's place knows it.
 * A call made inside another function counts once with that function's own arguments unknown, and once per list that
 * one may be called with. Bash finds a function when the call runs, so a call inside a body may reach a function
 * defined after that body (`g() { f prod; }; f() { …; }; g`); one outside any function reaches the last one defined
 * before it. None for a command outside any function (but the line's own, see lineArguments), nor for a body that
 * moves its arguments (`shift`, `set --`, `getopts`, `eval`, `source`), where `$1` may be any of the call's words.
 *
 * Definitions and calls are indexed once and each list is handed on along each call once, so the work grows with the
 * calls times the lists kept, not with the depth of the calls.
 */
export function argumentBindings(line: LineFunctions, fill: Fill): ArgumentBindings {
  const definitions = [...line.functions].sort((a, b) => a.start - b.start || b.end - a.end);
  const enclosingOf = innermostDefinitions(line.starts, definitions);
  // A body that moves its arguments, or holds a function that does, is met as written.
  const parents = innermostDefinitions(definitions.map((definition) => definition.start), definitions);
  const parentOf = new Map(definitions.map((definition, i) => [definition, parents[i]]));
  const enclosingAt = (at: number): FunctionDefinition | undefined => {
    let around = lastBefore(definitions, at, (definition) => definition.start);
    while (around !== undefined && around.end <= at) around = parentOf.get(around);
    return around;
  };
  const moving = new Set<FunctionDefinition>();
  const markFrom = (definition: FunctionDefinition | undefined) => {
    for (let at = definition; at !== undefined && !moving.has(at); at = parentOf.get(at)) moving.add(at);
  };
  line.commands.forEach((words, i) => {
    if (enclosingOf[i] !== undefined && movesArguments(words)) markFrom(enclosingOf[i]);
  });
  const optind = [...line.code.matchAll(/\bOPTIND\b/g)].map((match) => match.index);
  for (const definition of innermostDefinitions(optind, definitions)) markFrom(definition);
  // Outside any function, `$1` is the line's own: known after a `set -- …` of the line, when nothing moves it after.
  const lineMovers = line.starts.filter((start, i) => enclosingOf[i] === undefined && movesArguments(line.commands[i]!)).sort((a, b) => a - b);
  const lineArguments = (command: number): readonly ShellWord[] | undefined => {
    if (enclosingOf[command] !== undefined) return undefined;
    const at = line.starts[command]!;
    const mover = lastBefore(lineMovers, at, (start) => start);
    return mover === undefined ? undefined : line.setArguments?.get(mover);
  };
  const byName = new Map<string, FunctionDefinition[]>();
  for (const definition of definitions) byName.set(definition.name, [...(byName.get(definition.name) ?? []), definition]);
  const targets = (name: string | undefined, command: number): readonly FunctionDefinition[] => {
    const named = name === undefined ? undefined : byName.get(name);
    if (named === undefined) return [];
    if (enclosingOf[command] !== undefined) return named;
    const before = lastBefore(named, line.starts[command]!, (definition) => definition.start);
    return before === undefined ? [] : [before];
  };
  // Each function's lists, as found; each call hands on the lists of the function it stands in, once each.
  const readings = new Map<FunctionDefinition, { readonly list: ShellWord[][]; readonly seen: Set<string> }>();
  const callsIn = new Map<FunctionDefinition | undefined, { readonly command: number; readonly callee: FunctionDefinition; readonly args: readonly ShellWord[]; handed: number }[]>();
  let budget = MAX_READINGS;
  let words = MAX_BOUND_WORDS;
  // Whether every call's lists were made: past a bound, a body is not read with each call's own.
  let whole = true;
  // Whether a list of `count` words may still be made; each one made takes its words off the line's budget.
  const affords = (count: number): boolean => {
    if (budget <= 0 || words < count) return false;
    words -= count;
    return true;
  };
  const queue: FunctionDefinition[] = [];
  const add = (callee: FunctionDefinition, reading: ShellWord[]) => {
    const entry = readings.get(callee) ?? { list: [], seen: new Set<string>() };
    readings.set(callee, entry);
    const key = reading.map((word) => word.text).join('\0');
    if (entry.seen.has(key)) return;
    if (entry.list.length >= MAX_CALLS) {
      whole = false;
      return;
    }
    entry.seen.add(key);
    entry.list.push(reading);
    queue.push(callee);
  };
  line.commands.forEach((words, i) => {
    const { name, args } = calledName(words);
    for (const callee of targets(name, i)) {
      const outer = enclosingOf[i];
      const calls = callsIn.get(outer) ?? [];
      calls.push({ command: i, callee, args, handed: 0 });
      callsIn.set(outer, calls);
    }
  });
  const hand = (outer: FunctionDefinition | undefined) => {
    const lists = outer === undefined || moving.has(outer) ? [] : (readings.get(outer)?.list ?? []);
    for (const call of callsIn.get(outer) ?? []) {
      for (; call.handed < lists.length && budget > 0; call.handed++, budget--) {
        const bound = lists[call.handed]!;
        const args = withArguments(call.args, bound);
        if (!affords(args.length)) {
          budget = 0;
          whole = false;
          return;
        }
        // Each way the call's words may be filled in is one more list, and takes its words off the budget too.
        for (const [k, filled] of fill(call.command, args, bound, (at) => outer !== undefined && enclosingAt(at) === outer).entries()) {
          if (k > 0 && !affords(filled.length)) {
            budget = 0;
            whole = false;
            return;
          }
          add(call.callee, filled);
        }
      }
    }
  };
  // The lists each call makes with what its place alone knows (`f prod`, `f "$NS"`, `f "$1"` with $1 unknown).
  for (const [outer, calls] of callsIn) {
    for (const call of calls) {
      const own = outer === undefined ? lineArguments(call.command) : undefined;
      const args = own === undefined ? call.args : withArguments(call.args, own);
      if (budget-- <= 0 || !affords(args.length)) {
        whole = false;
        break;
      }
      for (const [k, filled] of fill(call.command, args).entries()) {
        if (k === 0 || affords(filled.length)) add(call.callee, filled);
        else whole = false;
      }
    }
  }
  while (queue.length > 0 && budget > 0) hand(queue.shift());
  const followed = whole && budget > 0 && !callsUnseen(line);
  return {
    enclosingAt,
    enclosing: (command) => enclosingOf[command],
    bound: (command) => {
      const definition = enclosingOf[command];
      if (definition === undefined) return lineArguments(command) !== undefined;
      return followed && !moving.has(definition) && (readings.get(definition)?.list.length ?? 0) > 0;
    },
    bindings: (command) => {
      const definition = enclosingOf[command];
      if (definition === undefined) {
        const own = lineArguments(command);
        return own === undefined ? [] : [own];
      }
      return moving.has(definition) ? [] : (readings.get(definition)?.list ?? []);
    },
  };
}

/** Builtins that run code of their own, which may call a function: known code is read with the line's functions before it. */
const CODE_RUNNERS = new Set(['eval', 'trap']);

/**
 * Whether the line may call one of its functions where argumentBindings does not see the call: by a name known only at
 * run time (`$CMD web`), in code not known (`eval "$X"`, `source ./lib.sh`), or in another shell it exports functions
 * to (`export -f f`).
 */
function callsUnseen(line: LineFunctions): boolean {
  if (EXPORTS_FUNCTIONS.test(line.code)) return true;
  return line.commands.some((words) => {
    const { name, args } = calledName(words);
    if (name === undefined) return words.length > 0;
    if (name === 'source' || name === '.') return true;
    return CODE_RUNNERS.has(name) && args.some((word) => word.literal === undefined);
  });
}

/** `export -f f`, `declare -fx f`, `typeset -xf f`: a flag cluster with `f` after a builtin that may export. */
const EXPORTS_FUNCTIONS = /\b(?:export|declare|typeset)\s+(?:[^;&|\n]*\s)?-[A-Za-z]*f/;

/** The innermost definition around each command, by a sweep over both in order of place (definitions nest). */
function innermostDefinitions(starts: readonly number[], definitions: readonly FunctionDefinition[]): (FunctionDefinition | undefined)[] {
  const order = starts.map((start, i) => ({ start, i })).sort((a, b) => a.start - b.start);
  const around: (FunctionDefinition | undefined)[] = new Array(starts.length).fill(undefined);
  const open: FunctionDefinition[] = [];
  let next = 0;
  for (const { start, i } of order) {
    while (next < definitions.length && definitions[next]!.start < start) {
      while (open.length > 0 && open.at(-1)!.end <= definitions[next]!.start) open.pop();
      open.push(definitions[next++]!);
    }
    while (open.length > 0 && open.at(-1)!.end <= start) open.pop();
    around[i] = open.at(-1);
  }
  return around;
}

/** The last of the items (in order of place) that starts before `at`. */
function lastBefore<T>(items: readonly T[], at: number, startOf: (item: T) => number): T | undefined {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (startOf(items[middle]!) < at) low = middle + 1;
    else high = middle;
  }
  return items[low - 1];
}

/** The value of a positional parameter (`1`, `2`…) a call binds: empty past the last argument; undefined when not known. */
export function boundArgument(name: string, bound: readonly ShellWord[]): string | undefined {
  if (!/^[1-9][0-9]*$/.test(name)) return undefined;
  const index = Number(name) - 1;
  return index >= bound.length ? '' : bound[index]!.literal;
}
