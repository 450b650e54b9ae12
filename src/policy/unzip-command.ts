import { mayBeOptions } from './run-time-options.js';
import { readRisk, writeRisk, type StepRisk } from './risk-level.js';
import type { ShellWord } from './shell-syntax.js';
import type { VariableSetting } from './steering-variables.js';
import type { StepEnvironment } from './command-context.js';
import { mayBeSet, type LineVariables } from './shell-variables.js';

/** unzip's short options that take a value: the rest of their group, or the next word (`-d dir`, `-ddir`, `-qod dir`). */
const VALUE_FLAGS = 'dP';

/**
 * What unzip reads and where it writes: the archive (its first operand) and the folder of `-d`, read the way
 * unzip reads its options: in groups of any order (`-oq`, `-qo`, `-oqq`), before or after the archive, and
 * `-x` followed by names left out, which are no operands.
 */
export function unzipExtraction(args: readonly (string | undefined)[]): { archive?: string; folder?: string } {
  let archive: string | undefined;
  let folder: string | undefined;
  let operands = 0;
  let excluding = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    // Before the archive a lone `-` is an empty option group, not the archive.
    if (arg !== undefined && arg.startsWith('-') && (arg.length > 1 || operands === 0)) {
      excluding = false;
      for (let at = 1; at < arg.length; at++) {
        const letter = arg[at]!;
        if (letter === 'x') excluding = true;
        if (!VALUE_FLAGS.includes(letter)) continue;
        const value = at + 1 < arg.length ? arg.slice(at + 1) : args[++i];
        if (letter === 'd') folder = value;
        break;
      }
      continue;
    }
    if (excluding) continue;
    // A word known only at run time before the archive may be it: the archive is then not known.
    if (operands++ === 0) {
      if (arg === undefined) return {};
      archive = arg;
    }
  }
  return { archive, folder };
}

/**
 * unzip's modes that write nothing: `-l` and `-v` list the archive, `-t` tests it, `-z` shows its comment, and
 * `-Z` makes it zipinfo (the options after it are zipinfo's). They win over extracting (`-o`, `-u`, `-f`);
 * `-T` still sets the archive's time. Only option groups before the archive count: after it, `-l` is the name of
 * a file to extract (only `-d` and `-x` are options there). A `-` negates the next letter, in its group or a later
 * one (`--l`, `-t--t`, `-l- -l`): not a listing then. One with no letter after it before the archive negates nothing
 * (`-l --`, `-l-`), and a lone `-` is an empty group, not the archive.
 */
export function unzipLooksOnly(args: readonly (string | undefined)[]): boolean {
  const letters: string[] = [];
  let negating = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    // The archive (`"$F"` too: a word known only at run time that may be options is the rule's to see).
    if (arg === undefined || !arg.startsWith('-')) break;
    if (i === 0 && arg.startsWith('-Z')) return true;
    for (let at = 1; at < arg.length; at++) {
      const letter = arg[at]!;
      if (letter === '-') {
        negating = true;
        continue;
      }
      if (negating) return false;
      // After -x come names left out, which an -l among them may be: not read as a mode.
      if (letter === 'x') return looksOnly(letters);
      if (VALUE_FLAGS.includes(letter)) {
        if (at + 1 === arg.length) i++;
        break;
      }
      letters.push(letter);
    }
  }
  return looksOnly(letters);
}

function looksOnly(letters: readonly string[]): boolean {
  return letters.some((letter) => 'ltvz'.includes(letter)) && !letters.includes('T');
}

/** unzip: `read` when it only lists or tests the archive, unless a word known only at run time may be another option. */
export function unzipRisk(args: readonly (string | undefined)[], words: readonly ShellWord[]): StepRisk {
  if (unzipLooksOnly(args) && !words.some(mayBeOptions)) return readRisk('unzip only lists or tests the archive');
  return writeRisk('unzip is not known to be read-only');
}

/** unzip (and zipinfo, as `unzip -Z`) reads options from these before its own words: `UNZIP=--` cancels them. */
const OPTION_VARIABLE = /^(UNZIP|UNZIPOPT|ZIPINFO|ZIPINFOOPT)$/;

/** Whether one of the variables a command starts with (or one named only at run time) gives unzip options. */
export function setsUnzipOptions(settings: Iterable<VariableSetting>): boolean {
  for (const { name } of settings) if (name === undefined || OPTION_VARIABLE.test(name)) return true;
  return false;
}

/**
 * Whether an unzip command of a line may start with options from the environment: the step's `env` or the line
 * (before it, its own `UNZIP=… unzip`, a wrapper's `env UNZIP=…`, or in a way not followed) may set UNZIP or UNZIPOPT.
 */
export function unzipOptionsGiven(words: readonly ShellWord[], variables: LineVariables, environment: StepEnvironment): boolean {
  const names = ['UNZIP', 'UNZIPOPT', 'ZIPINFO', 'ZIPINFOOPT'];
  if (environment.anything || names.some((name) => environment.values.has(name) || mayBeSet(variables, name))) return true;
  return words.some((word) => /^['"]?(UNZIP|UNZIPOPT|ZIPINFO|ZIPINFOOPT)=/.test(word.literal ?? word.text));
}

/** unzip started with UNZIP or UNZIPOPT set: its options are not only those written, so it may extract. */
export function steeredUnzip(settings: readonly VariableSetting[]): StepRisk | undefined {
  return setsUnzipOptions(settings) ? writeRisk('unzip with UNZIP or UNZIPOPT set (options from the environment) may extract') : undefined;
}

/** A shell call of the plan (its `command`, its `env`) that names one of the variables unzip takes options from. */
export function namesUnzipOptions(call: { readonly command: string; readonly env?: unknown }): boolean {
  const env = typeof call.env === 'object' && call.env !== null ? Object.keys(call.env) : [];
  return /\b(UNZIP|UNZIPOPT|ZIPINFO|ZIPINFOOPT)\b/.test(call.command) || env.some((name) => OPTION_VARIABLE.test(name));
}
