import { literalWord, type ShellWord } from './shell-syntax.js';

/**
 * fish reads its options with getopt_long (`+hPilNnvc:C:p:d:f:D:o:`): `-c`/`--command` and `-C`/`--init-command` each
 * take code (the next word, the rest of a group as in `-c'rm x'`, or `--command=rm x`), all of which it runs, the
 * `-C` code first; options end at the first other word (`--`, `-` too), the script or, with `-c`, `$argv`.
 */
const VALUE_SHORT = new Set(['c', 'C', 'p', 'd', 'f', 'D', 'o']);
const LONG: Readonly<Record<string, string | undefined>> = {
  command: 'c', 'init-command': 'C', features: 'f', debug: 'd', 'debug-output': 'o', 'debug-stack-frames': 'D', profile: 'p', 'profile-startup': 'p',
  interactive: undefined, login: undefined, 'no-config': undefined, 'no-execute': undefined, 'print-rusage-self': undefined, 'print-debug-categories': undefined, private: undefined, help: undefined, version: undefined,
};

export interface FishWords {
  /** The code of each `-C` and `-c`. */
  readonly code: ShellWord[];
  /** Whether there is a `-c`: the words after the options are then `$argv`, not a script. */
  readonly command: boolean;
  /** Where the options end: the script, a word known only at run time, or args.length. */
  readonly operands: number;
}

export function fishWords(args: readonly ShellWord[]): FishWords {
  const code: ShellWord[] = [];
  let command = false;
  const take = (option: string, value: ShellWord | undefined): void => {
    if ((option === 'c' || option === 'C') && value !== undefined) code.push(value);
    if (option === 'c') command = true;
  };
  let i = 0;
  for (; i < args.length; i++) {
    const text = args[i]!.literal;
    if (text === undefined || text === '-' || !text.startsWith('-')) break;
    if (text === '--') return { code, command, operands: i + 1 };
    if (text.startsWith('--')) {
      const equals = text.indexOf('=');
      const option = longOption(text.slice(2, equals === -1 ? undefined : equals));
      if (option === undefined) continue;
      if (equals !== -1) take(option, literalWord(text.slice(equals + 1)));
      else take(option, args[++i]);
      continue;
    }
    for (let j = 1; j < text.length; j++) {
      const option = text[j]!;
      if (!VALUE_SHORT.has(option)) continue;
      take(option, j + 1 < text.length ? literalWord(text.slice(j + 1)) : args[++i]);
      break;
    }
  }
  return { code, command, operands: i };
}

/**
 * The short letter of a long option that takes a value (`--comm` is `--command`: getopt_long takes a unique prefix);
 * an ambiguous or unknown one stops fish, so it takes nothing.
 */
function longOption(name: string): string | undefined {
  if (name in LONG) return LONG[name];
  const matches = Object.keys(LONG).filter((long) => long.startsWith(name));
  return matches.length === 1 ? LONG[matches[0]!] : undefined;
}
