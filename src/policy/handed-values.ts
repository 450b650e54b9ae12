import { SHELLS } from './command-risk.js';
import { expandKnown } from './known-expansions.js';
import { programName } from './program-name.js';
import type { ShellWord } from './shell-syntax.js';

/** `$NAME`, `${NAME`: a variable code handed to another shell reads. */
const READ_IN_CODE = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * The variables the code of a shell a command starts reads (`bash -c 'kubectl delete ns $NS'`, also behind `env` or
 * `sudo`): a value the command hands it (`export NS=${NS:-prod}` before) is read there.
 */
export function readByShellCode(words: readonly ShellWord[]): string[] {
  if (!words.some((word) => SHELLS.has(programName(word.literal ?? '')))) return [];
  return [...new Set(words.flatMap((word) => [...(word.literal ?? '').matchAll(READ_IN_CODE)].map((match) => match[1]!)))];
}

/** A prefix's value (`NS=${NS:-prod} cmd`) as the values `valueAt` knows fill it in: bash neither splits nor globs what an assignment gets. */
export function prefixValue(word: ShellWord | undefined, valueAt: (name: string) => string | undefined): string | undefined {
  const fields = word === undefined ? undefined : expandKnown(word, valueAt, true);
  return fields === undefined || fields.some((field) => field.literal === undefined) ? undefined : fields.map((field) => field.literal).join(' ');
}
