import { mayBeOptions } from './run-time-options.js';
import { readRisk, writeRisk, type StepRisk } from './risk-level.js';
import type { ShellWord } from './shell-syntax.js';

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
    if (arg !== undefined && arg.startsWith('-') && arg.length > 1) {
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
 * `-T` still sets the archive's time.
 */
export function unzipLooksOnly(args: readonly (string | undefined)[]): boolean {
  const letters: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === undefined || !arg.startsWith('-') || arg.length === 1) continue;
    if (i === 0 && arg.startsWith('-Z')) return true;
    for (let at = 1; at < arg.length; at++) {
      const letter = arg[at]!;
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
