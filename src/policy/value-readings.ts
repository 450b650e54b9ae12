import type { ShellWord } from './shell-syntax.js';

/** Readings of one command kept, at most: one per combination of the values its variables may hold. */
export const MAX_VALUE_READINGS = 32;

/** A variable read as `$X` or `${X}`, as the words' hints name it. */
const READ = /^\$([A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * `if …; then X=prod; fi; kubectl delete ns $X`: each way of filling in the variables a command's words read that hold
 * no one sure value (`valueAt`) but may hold some known ones (`possibleAt`), as a map of those variables' values.
 * None when every variable read has one sure value or none known; at most MAX_VALUE_READINGS.
 */
export function valueReadings(words: readonly ShellWord[], valueAt: (name: string) => string | undefined, possibleAt: (name: string) => readonly string[]): ReadonlyMap<string, string>[] {
  const names = new Set(words.flatMap((word) => word.hints.flatMap((hint) => READ.exec(hint)?.[1] ?? [])));
  let readings: Map<string, string>[] = [new Map()];
  for (const name of names) {
    if (valueAt(name) !== undefined) continue;
    const values = possibleAt(name);
    if (values.length === 0) continue;
    readings = readings.flatMap((reading) => values.map((value) => new Map([...reading, [name, value]]))).slice(0, MAX_VALUE_READINGS);
  }
  return readings.length === 1 && readings[0]!.size === 0 ? [] : readings;
}
