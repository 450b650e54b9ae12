import type { CommandContext } from './command-context.js';
import { defaultAt, sureExpansion, type DefaultExpansion } from './default-expansions.js';
import type { ShellCommand } from './shell-commands.js';
import { literalWord, type ShellWord } from './shell-syntax.js';

/** The characters the shell splits an unquoted value at (IFS unset: blank, tab, newline). */
const FIELD_SEPARATORS = /[ \t\n]+/;
/** An unquoted value holding one of these may match files (a glob) rather than stay as written. */
const GLOB = /[*?[]/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * The one value a variable surely holds where a command's words are expanded: the one the line sets it to before
 * (`T=5m; terraform apply -lock-timeout=$T`), or else the step's `env` value when nothing on the line may change it.
 * Undefined when it may hold several values or one known only at run time.
 */
export function plannedValue(name: string, context: CommandContext): string | undefined {
  return heldValue(name, { lineValues: (variable) => context.knownValues?.(variable), mayChange: (variable) => context.mayBeSet?.(variable) ?? true, step: context.environment?.values });
}

/** Where a variable's value may come from, for heldValue. */
export interface VariableSources {
  /** Every value the line gives the variable where it is read, when the line fixes them all; else undefined. */
  lineValues(name: string): readonly string[] | undefined;
  /** Whether the line, or anything but the step's `env`, may set the variable. */
  mayChange(name: string): boolean;
  /** The step's `env`: a value undefined when known only at run time. */
  readonly step?: ReadonlyMap<string, string | undefined>;
}

/** plannedValue's rule, for a reader that learns of the line's variables its own way (deny rules' shellCommands). */
export function heldValue(name: string, sources: VariableSources): string | undefined {
  const set = sources.lineValues(name);
  if (set !== undefined) return set.length === 1 ? set[0] : undefined;
  if (sources.mayChange(name) || SET_BY_THE_SHELL.test(name)) return undefined;
  // An IFS of the step's, or one the line may set, changes how every value splits.
  if (sources.step?.has('IFS') || sources.mayChange('IFS')) return undefined;
  return sources.step?.get(name);
}

/**
 * heldValue for a command shellCommands found: the value its line surely gives a variable where its words are
 * expanded, or else the step's `env` value (`step`) when nothing on the line may change it.
 */
export function commandValues(found: Pick<ShellCommand, 'valueAt' | 'assigned' | 'mayChange'>, step?: ReadonlyMap<string, string | undefined>): (name: string) => string | undefined {
  const sources: VariableSources = {
    lineValues: (name) => {
      const value = found.valueAt(name);
      return value === undefined ? undefined : [value];
    },
    mayChange: (name) => found.assigned.has(name) || found.mayChange(name),
    ...(step === undefined ? {} : { step }),
  };
  return (name) => heldValue(name, sources);
}

/**
 * The step's `env` values a shell line surely starts with, as heldValue takes them: none under an IFS of the step's
 * (it changes how every value splits), and none of the variables bash sets itself.
 */
export function startingValues(step: ReadonlyMap<string, string | undefined>): ReadonlyMap<string, string | undefined> {
  if (step.has('IFS')) return new Map();
  return new Map([...step].filter(([name]) => !SET_BY_THE_SHELL.test(name)));
}

/** Variables bash sets itself as it starts, whatever its environment holds: the step's value is not the one read. */
const SET_BY_THE_SHELL = /^(?:BASH\w*|SHELLOPTS|PPID|UID|EUID|GROUPS|SHLVL|OPTERR|DIRSTACK|HISTCMD)$/;

/**
 * The words a word becomes once the variables it reads (`$X`, `${X}`, quoted or not) are filled in with the values
 * `valueOf` knows, split as the shell splits them outside quotes: `-lock-timeout=$T` with T=5m is
 * `-lock-timeout=5m`, `"$MODE"` with MODE=-destroy is `-destroy`. With `defaults` (deny rules), a default expansion
 * too (`${NS:-prod}`, `${NS:-"$X"}`): the value `valueOf` gives it under its text (a reading of the values it may
 * hold, valueReadings), else the one the values of its variable and of those its word reads give. Undefined when the word expands anything else
 * (`$(cmd)`, `${X:-d}` without `defaults`, `"$@"`, a glob, a brace, `~`) or a variable whose value is not known.
 */
export function expandKnown(word: ShellWord, valueOf: (name: string) => string | undefined, defaults = false): ShellWord[] | undefined {
  if (word.literal !== undefined) return [word];
  // A word that stands for what is known only at run time (xargs's input, a `{}` find fills in) reads no variable.
  if (!word.hints.some((hint) => hint.startsWith('$'))) return undefined;
  const text = word.text;
  const fields: string[] = [];
  let current: string | undefined;
  const add = (part: string) => {
    current = (current ?? '') + part;
  };
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '$') {
      const expansion = defaults ? defaultAt(text, i, quoted) : undefined;
      const reference = expansion ?? variableAt(text, i);
      const value = expansion !== undefined ? defaultValue(expansion, valueOf) : reference === undefined ? undefined : valueOf(reference.name);
      if (reference === undefined || value === undefined) return undefined;
      i = reference.end - 1;
      if (quoted) add(value);
      else {
        if (GLOB.test(value)) return undefined;
        value.split(FIELD_SEPARATORS).forEach((part, k) => {
          if (k > 0 && current !== undefined) fields.push(current);
          if (k > 0) current = undefined;
          if (part !== '') add(part);
        });
      }
    } else if (char === '`' || (!quoted && (/[*?[{]/.test(char) || (char === '~' && i === 0)))) return undefined;
    else if (char === '"') {
      quoted = !quoted;
      add('');
    } else if (char === "'" && !quoted) {
      const end = text.indexOf("'", i + 1);
      if (end === -1) return undefined;
      add(text.slice(i + 1, end));
      i = end;
    } else if (char === '\\') {
      const next = text[i + 1];
      if (next === undefined) return undefined;
      // Inside double quotes a backslash escapes only $ ` " \ and a newline.
      if (quoted && !/[$`"\\\n]/.test(next)) add(char);
      else if (next !== '\n') add(next);
      i++;
    } else add(char);
  }
  if (quoted) return undefined;
  if (current !== undefined) fields.push(current);
  return fields.map(literalWord);
}

/** A default expansion's value: the one a reading gives it, else what the values of its variables give; undefined when neither is known. */
function defaultValue(expansion: DefaultExpansion, valueOf: (name: string) => string | undefined): string | undefined {
  return valueOf(expansion.text) ?? sureExpansion(expansion, valueOf);
}

/** `$NAME` or `${NAME}` at `at`: the variable's name and where the reference ends; undefined for any other expansion. */
function variableAt(text: string, at: number): { readonly name: string; readonly end: number } | undefined {
  // `$1`, `${10}`: a shell's arguments, named by one digit, or by any number in braces.
  if (text[at + 1] === '{') {
    const name = (NAME.exec(text.slice(at + 2)) ?? /^[0-9]+/.exec(text.slice(at + 2)))?.[0];
    return name !== undefined && text[at + 2 + name.length] === '}' ? { name, end: at + 3 + name.length } : undefined;
  }
  const name = (NAME.exec(text.slice(at + 1)) ?? /^[0-9]/.exec(text.slice(at + 1)))?.[0];
  return name === undefined ? undefined : { name, end: at + 1 + name.length };
}
