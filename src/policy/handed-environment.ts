import type { StepEnvironment } from './command-context.js';
import { lineSettings, type LineVariables } from './shell-variables.js';
import type { ShellWord } from './shell-syntax.js';

/**
 * What code a line hands to another shell (`export X=rm; bash -c '${X:-ls}'`) starts with: the step's `env`, and
 * every variable the line sets, whose value may or may not reach it (exported or not).
 */
export function handedOn(variables: LineVariables, commands: readonly (readonly ShellWord[])[], environment: StepEnvironment): StepEnvironment {
  const values = new Map(environment.values);
  for (const setting of lineSettings(variables)) if (setting.name !== undefined) values.set(setting.name, undefined);
  // `env X=rm sh -c '${X:-ls} -rf data'`, `env -S 'X=rm sh -c …'`: a wrapper sets X for the code it runs. Any
  // `NAME=` word counts, whichever program takes it, so a default there is never trusted.
  for (const word of commands.flatMap((words) => words.slice(1))) {
    for (const match of (word.literal ?? '').matchAll(WRAPPER_SETTING)) values.set(match[1]!, undefined);
  }
  return { values, anything: environment.anything || variables.namedAtRunTime || variables.hiddenAt.length > 0 };
}

/** The same variables, each with a value known only at run time. */
export function valuesUnknown(environment: StepEnvironment): StepEnvironment {
  return { values: new Map([...environment.values.keys()].map((name) => [name, undefined])), anything: environment.anything };
}

/** A `NAME=value` word, or one inside a word (`env -S 'X=rm sh -c …'`). */
const WRAPPER_SETTING = /(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g;
