import { defaultsIn, expandedValues, sureExpansion, wordValues } from './default-expansions.js';
import type { PossibleValues } from './possible-values.js';
import type { ShellWord } from './shell-syntax.js';

/** Readings of one command kept, at most: one per combination of the values its variables may hold. */
export const MAX_VALUE_READINGS = 32;

/** Values one default expansion is read with, at most, as for a variable (possibleValues). */
const MAX_EXPANDED = 16;

/** A variable read as `$X` or `${X}`, as the words' hints name it. */
const READ = /^\$([A-Za-z_][A-Za-z0-9_]*)$/;
/** A variable read whole in a word's text: `$X`, `${X}` (not `${X:-d}`, `${#X}`, `${X%d}`). */
const READ_WHOLE = /\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})/g;

/**
 * `if …; then X=prod; fi; kubectl delete ns $X`: each way of filling in the variables a command's words read that hold
 * no one sure value (`valueAt`) but may hold some known ones (`possibleAt`), as a map of those variables' values.
 * A default expansion (`${NS:-prod}`) of a variable with no sure value is read with each value it may give, the default
 * among them, kept under its text (expandKnown reads it so). `handed`: variables the command hands to a shell it
 * starts, read there (`export NS=${NS:-prod}; bash -c 'kubectl delete ns $NS'`). None when every variable read has one
 * sure value or none known; at most MAX_VALUE_READINGS.
 */
export function valueReadings(words: readonly ShellWord[], valueAt: (name: string) => string | undefined, possibleAt: (name: string) => PossibleValues, handed: readonly string[] = []): ReadonlyMap<string, string>[] {
  const computed = words.filter((word) => word.literal === undefined);
  // A variable read only through expansions expandKnown does not fill in (`${NS:-prod}`, `${#NS}`) needs no reading of its own.
  const whole = new Set(computed.flatMap((word) => [...word.text.matchAll(READ_WHOLE)].map((match) => match[1] ?? match[2]!)));
  const names = new Set([...computed.flatMap((word) => word.hints.flatMap((hint) => READ.exec(hint)?.[1] ?? [])).filter((name) => whole.has(name)), ...handed]);
  const choices: [string, readonly string[]][] = [];
  for (const name of names) {
    if (valueAt(name) === undefined) choices.push([name, possibleAt(name).values]);
  }
  const expansions = new Map(computed.flatMap((word) => defaultsIn(word.text)).map((expansion) => [expansion.text, expansion]));
  // What each variable may hold: the one value it surely holds, else the values it may.
  const held = (name: string): PossibleValues => {
    const value = valueAt(name);
    return value === undefined ? possibleAt(name) : { values: [value], complete: true };
  };
  for (const [text, expansion] of expansions) {
    if (sureExpansion(expansion, valueAt) !== undefined) continue;
    choices.push([text, expandedValues(expansion, held(expansion.name), wordValues(expansion.word, held)).values.slice(0, MAX_EXPANDED)]);
  }
  let readings: Map<string, string>[] = [new Map()];
  for (const [key, values] of choices) {
    if (values.length === 0) continue;
    readings = readings.flatMap((reading) => values.map((value) => new Map([...reading, [key, value]]))).slice(0, MAX_VALUE_READINGS);
  }
  return readings.length === 1 && readings[0]!.size === 0 ? [] : readings;
}
