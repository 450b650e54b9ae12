import { writtenPrefix } from './attached-values.js';
import type { ShellWord } from './shell-syntax.js';

/**
 * The files a copy (or move, install, link) reads and where it puts them (undefined: named only at run time);
 * `into` when `to` is a folder the copies keep their names in (`cp -t DIR p`, `cp p DIR/`).
 */
export interface CopyTargets {
  readonly from: readonly (string | undefined)[];
  readonly to: string | undefined;
  readonly into: boolean;
}

/** GNU cp, mv, install and ln take the folder with `-t DIR` (`-tDIR`, `--target-directory=DIR`); rsync's -t keeps times. */
const TARGET_DIRECTORY = new Set(['cp', 'mv', 'install', 'ln']);
/** Their other short options that take a value (the rest of the word, or the next word): cp's -S suffix, install's -m 600. */
const SHORT_VALUES: Readonly<Record<string, string>> = { cp: 'S', mv: 'S', ln: 'S', install: 'gmoS' };
const TARGET_LONG = 'target-directory';

/**
 * What `name` copies where, from its words after the program. Without `-t` the last operand is the target; with it
 * every operand is copied into that folder. Undefined when the words copy nothing.
 */
export function copyTargets(name: string, args: readonly ShellWord[]): CopyTargets | undefined {
  if (!TARGET_DIRECTORY.has(name)) return lastOperandTarget(args.filter((word) => !/^['"]*-/.test(word.text)));
  const operands: ShellWord[] = [];
  // null: no -t; undefined: a folder named at run time.
  let target: string | undefined | null = null;
  let ended = false;
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (ended || !/^['"]*-/.test(word.text)) {
      operands.push(word);
      continue;
    }
    if (word.literal === '--') {
      ended = true;
      continue;
    }
    // `-t"$D"` spells -t, its folder known only at run time; an unquoted `-$X` is left as an option.
    const spelled = word.literal ?? writtenPrefix(word);
    if (spelled === undefined) continue;
    // An option's value is the rest of the word (with its run-time part, if any), or else the next word.
    const value = (rest: string): string | undefined => (word.literal === undefined ? undefined : rest !== '' ? rest : args[++i]?.literal);
    const long = /^--([^=]*)(=?)([\s\S]*)$/.exec(spelled);
    if (long !== null) {
      if (long[1] !== '' && TARGET_LONG.startsWith(long[1]!)) target = long[2] === '=' ? (word.literal === undefined ? undefined : long[3]) : value('');
      continue;
    }
    const letters = spelled.slice(1);
    for (let at = 0; at < letters.length; at++) {
      const letter = letters[at]!;
      if (letter === 't') target = value(letters.slice(at + 1));
      else if (SHORT_VALUES[name]!.includes(letter)) value(letters.slice(at + 1));
      else continue;
      break;
    }
  }
  if (target === null) return lastOperandTarget(operands);
  return operands.length === 0 ? undefined : { from: operands.map((word) => word.literal), to: target, into: true };
}

/** `cp p q`, `cp p q DIR`, `cp p DIR/`: the last operand is the target, a folder when it ends in `/` or there are several files. */
function lastOperandTarget(operands: readonly ShellWord[]): CopyTargets | undefined {
  if (operands.length < 2) return undefined;
  const to = operands.at(-1)!.literal;
  return { from: operands.slice(0, -1).map((word) => word.literal), to, into: operands.length > 2 || (to?.endsWith('/') ?? false) };
}
