import type { Args } from './program-rules.js';
import { readRisk, writeRisk, type StepRisk } from './risk-level.js';
import type { ShellWord } from './shell-syntax.js';

/**
 * tree lists files, unless told to write them down: `-o f` writes the listing to f, and `-R` with `-L n` runs tree
 * again in each folder n levels down, writing a 00Tree.html there (tree drops `-R` without `-L`). tree reads the
 * letters of a word one by one, each value-taking letter (`-L`, `-o`, `-P`…) taking the next word: `-ao f` is `-o f`,
 * `-RL 2` is `-R -L 2`.
 */
export function treeRisk(args: Args, words: readonly ShellWord[]): StepRisk {
  const letters = args.flatMap((arg) => (arg !== undefined && /^-[^-]/.test(arg) ? [...arg.slice(1)] : []));
  if (letters.includes('o')) return writeRisk('tree -o writes a file');
  // `-L"$N"`: a depth known only at run time is still -L.
  const level = letters.includes('L') || words.some((word) => word.literal === undefined && /^["']?-L/.test(word.text));
  if (letters.includes('R') && level) return writeRisk('tree -R -L writes a 00Tree.html into each folder');
  return readRisk('tree');
}
