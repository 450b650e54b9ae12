import { writtenPrefix } from './attached-values.js';
import type { StepEnvironment } from './command-context.js';
import type { FunctionDefinition } from './function-calls.js';
import type { ShellWord } from './shell-syntax.js';

/** A simple command of the line and where it starts. */
export interface PlacedCommand {
  readonly words: readonly ShellWord[];
  readonly start: number;
}

/** Ways a function reads its positional parameters that the call's words fill in exactly: `"$@"`, `$1`, `"${2}"`, `"$*"`. */
const WHOLE_ARGUMENT = /^("?)\$(?:[1-9]|\{[1-9]\d*\}|[@*])\1$/;
const UNQUOTED_ARGUMENT = /^\$(?:[1-9]|\{[1-9]\d*\}|[@*])$/;
/** What makes a word a file name pattern, with `extglob` (`+(…)`) and backslashes too. */
const PATTERN = /[*?[(\\]/;
/** Any read of a positional parameter, `$0` included (the shell's name, not an argument). */
const ANY_ARGUMENT = /\$(?:[\d@*#]|\{[!#]?[\d@*#])/;

/**
 * `k() { kubectl --context x "$@"; }; k get pods`: the functions whose body runs only through calls the rater follows
 * with their words, so the body, as written (`kubectl --context x "$@"`: any subcommand), says nothing more of
 * what runs. A function qualifies when every run of the line defines it once, at its top level, and its name is
 * written nowhere but there and in the calls after it, outside any function (not `g() { k …; }`, `k … ; k() …`,
 * `trap k EXIT`, `export -f k`, `xargs k`, a call of itself), each call made of words known before running or of
 * quoted words known at run time that stay one word (`k get "$V"`, `k log -S"$T"`), which the body must pass on
 * quoted, and no
 * other command of the line has a name known only at run time (`$CMD`, which may name it); its
 * body reads the call's words only as whole words (not after `shift`, nor `"x$@"`, `$0`); and nothing may change
 * how those words split (`IFS`).
 */
export function forwardingFunctions(definitions: readonly FunctionDefinition[], commands: readonly PlacedCommand[], source: string, environment: StepEnvironment): FunctionDefinition[] {
  if (/\bIFS\b/.test(source) || environment.anything || environment.values.has('IFS')) return [];
  return definitions.filter((definition) => {
    if (!definition.firm || definition.name === 'command_not_found_handle') return false;
    // `$CMD delete ns x`, `${CMD:-ls} …`: a name known only at run time may call it without writing it.
    const outside = commands.filter((command) => command.start < definition.start || command.start >= definition.end);
    if (outside.some((command) => command.words.length > 0 && command.words[0]!.literal === undefined)) return false;
    const others = definitions.filter((other) => other !== definition);
    if (others.some((other) => other.name === definition.name || (other.start > definition.start && other.start < definition.end))) return false;
    const calls = commands.filter((command) => command.words[0]?.literal === definition.name);
    if (calls.length === 0) return false;
    const inFunction = (at: number) => definitions.some((any) => any.start < at && at < any.end);
    if (calls.some((call) => call.start < definition.end || inFunction(call.start) || call.words.some((word) => word.literal === undefined && !oneWord(word)))) return false;
    if (mentions(source, definition.name) !== calls.length + 1) return false;
    const body = commands.filter((command) => command.start > definition.start && command.start < definition.end);
    if (!readsWholeArguments(body)) return false;
    // `kubectl $@` with `k get '*'`: unquoted, a word of the call is a pattern too, matching names ksa cannot see.
    // An option's value known at run time stays one word only through a quoted `"$@"`, `"$1"`.
    return !body.some((command) => command.words.some((word) => UNQUOTED_ARGUMENT.test(word.text))) || calls.every((call) => call.words.every((word) => word.literal !== undefined && !PATTERN.test(word.literal)));
  });
}

/**
 * `"$V"`, `-S"$T"`, `--author="$A"`: a call's word known only at run time that is one word whatever its value holds;
 * the body's command with it is rated as written out, where the word stands: `kubectl get "$V"` reads a name,
 * `kubectl "$V" pods` may delete, and `git log -"$X"` may be any flags.
 */
function oneWord(word: ShellWord): boolean {
  return writtenPrefix(word) !== undefined;
}

/** How often a name is written as a word of its own (`k` in `k get`, `-k`, `'k'`; not in `kubectl`). */
function mentions(source: string, name: string): number {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [...source.matchAll(new RegExp(`(?<![A-Za-z0-9_])${escaped}(?![A-Za-z0-9_])`, 'g'))].length;
}

/** Whether every word of the body that reads a positional parameter is one `"$@"`, `"$1"`… as a whole. */
function readsWholeArguments(body: readonly PlacedCommand[]): boolean {
  return body.every((command) => command.words.every((word) => word.literal !== undefined || !ANY_ARGUMENT.test(word.text) || WHOLE_ARGUMENT.test(word.text)));
}
