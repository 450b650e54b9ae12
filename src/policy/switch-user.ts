import { programName } from './program-name.js';
import { literalWord, type ShellWord } from './shell-syntax.js';
import type { Unwrapped } from './wrappers.js';

/**
 * su's and runuser's long options (util-linux, one table for both: su refuses --user), whether each takes a value,
 * and the short option it stands for. getopt_long also takes any prefix that names one of them alone (`--comm`, `--us`).
 */
const LONG_OPTIONS: Readonly<Record<string, { readonly value: boolean; readonly short: string }>> = {
  command: { value: true, short: 'c' },
  'session-command': { value: true, short: 'c' },
  fast: { value: false, short: 'f' },
  group: { value: true, short: 'g' },
  'supp-group': { value: true, short: 'G' },
  login: { value: false, short: 'l' },
  'preserve-environment': { value: false, short: 'p' },
  pty: { value: false, short: 'P' },
  shell: { value: true, short: 's' },
  'whitelist-environment': { value: true, short: 'w' },
  user: { value: true, short: 'u' },
  help: { value: false, short: 'h' },
  version: { value: false, short: 'V' },
};
/** The short options of both (getopt's "c:fg:G:lmpPs:u:hVw:"), those that take a value with a colon after them. */
const SHORT_OPTIONS = /^[cfgGlmpPsuhVw]$/;
const SHORT_VALUES = 'cgGswu';

/** Shells that read `-c CODE` as sh does: the code su hands to one of them is what runs. */
const CODE_SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh', 'busybox-sh']);

/** The long option a written name stands for, as getopt_long resolves it: exactly, or by a prefix of one alone. */
function longOption(written: string): string | undefined {
  if (Object.hasOwn(LONG_OPTIONS, written)) return written;
  const matches = Object.keys(LONG_OPTIONS).filter((option) => option.startsWith(written));
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * What `su` or `runuser` runs, as util-linux reads its words: options anywhere before `--` (getopt moves them
 * forward), so `su deploy -c CODE`, `su -c CODE deploy`, `su - deploy -c CODE`, `su --comm=CODE deploy` and
 * `runuser deploy -c CODE` run CODE as deploy, in the shell `-s` names when it names one; `runuser -u deploy -- cmd …`
 * runs cmd itself; words after the user are handed to the user's shell (`su deploy -- -c CODE`, `su deploy x.sh`);
 * with none of these, a shell starts.
 */
export function switchedUser(name: 'su' | 'runuser', args: readonly ShellWord[]): Unwrapped {
  let code: ShellWord | undefined;
  let command = false;
  let shell: ShellWord | undefined;
  let asUser = false;
  const operands: ShellWord[] = [];
  const take = (option: string, value: ShellWord | undefined) => {
    if (option === 'c') {
      command = true;
      code = value;
    } else if (option === 's') shell = value;
    else if (name === 'runuser' && option === 'u') asUser = true;
  };
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    const text = word.literal;
    // `runuser -u deploy rm -rf x`: the command's own words are not runuser's options.
    if (asUser && operands.length > 0) {
      operands.push(...args.slice(i));
      break;
    }
    if (text === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    // `su $OPTS root -c ls`: a word known only at run time may be any options (`-s ./tool`), so su may run a
    // program the line chooses; an option util-linux does not know, or one a prefix names ambiguously, is not
    // followed either (`--s`): what runs is rated as a program named at run time.
    if (text === undefined) return chosenByLine(args.slice(i));
    if (text === '-' || !text.startsWith('-')) {
      if (text !== '-') operands.push(word);
      continue;
    }
    const long = /^--([^=]+)(=([\s\S]*))?$/.exec(text);
    if (long !== null) {
      const option = longOption(long[1]!);
      const known = option === undefined ? undefined : LONG_OPTIONS[option]!;
      if (known === undefined || (!known.value && long[2] !== undefined)) return chosenByLine(args.slice(i));
      if (known.value) take(known.short, long[3] !== undefined ? literalWord(long[3]) : args[++i]);
      continue;
    }
    // `-lc CODE`, `-cCODE`, `-ms/bin/bash`: in a group, a letter that takes a value takes the rest of it, or the next word.
    for (let at = 1; at < text.length; at++) {
      const letter = text[at]!;
      if (!SHORT_OPTIONS.test(letter)) return chosenByLine(args.slice(i));
      if (!SHORT_VALUES.includes(letter)) continue;
      take(letter, at + 1 < text.length ? literalWord(text.slice(at + 1)) : args[++i]);
      break;
    }
  }
  // `su -s ./tool root -c ls` runs `./tool -c ls`: the code is only what runs when the shell named is one that runs it.
  const codeShell = shell === undefined || (shell.literal !== undefined && CODE_SHELLS.has(programName(shell.literal)));
  if (command) {
    if (code === undefined) return { kind: 'none' };
    return codeShell ? { kind: 'script', code } : { kind: 'command', words: [shell!, literalWord('-c'), code] };
  }
  if (asUser) return operands.length === 0 ? { kind: 'none' } : { kind: 'command', words: operands };
  // The first operand is the user; the rest are the arguments of the shell su starts for it.
  const handed = operands.slice(1);
  if (!codeShell) return { kind: 'command', words: [shell!, ...handed] };
  return handed.length === 0 ? { kind: 'none' } : { kind: 'command', words: [shell ?? literalWord('sh'), ...handed] };
}

/**
 * The words from one su cannot be read past: the program it runs is named there, at run time. An option it does not
 * know is written as the output of a command, so no folder or name in it passes for the program's.
 */
function chosenByLine(words: readonly ShellWord[]): Unwrapped {
  const [first, ...rest] = words;
  const named = first!.literal === undefined ? first! : { text: `$(su ${first!.text})`, hints: [] };
  const codes = possibleCodes(words);
  return { kind: 'command', words: [named, ...rest], ...(codes.length === 0 ? {} : { codes }) };
}

/**
 * Every word su may run as `-c` code where its options are not read (`su $OPTS root -c CODE`, `su --x -lc CODE`):
 * what a word known at run time does to the words after it is not known, so each place a `-c` may stand counts.
 */
function possibleCodes(words: readonly ShellWord[]): ShellWord[] {
  const codes: ShellWord[] = [];
  words.forEach((word, i) => {
    const text = word.literal ?? '';
    const long = /^--([^=]+)(=([\s\S]*))?$/.exec(text);
    if (long !== null) {
      const option = longOption(long[1]!);
      if (option === undefined || LONG_OPTIONS[option]!.short !== 'c') return;
      const code = long[3] !== undefined ? literalWord(long[3]) : words[i + 1];
      if (code !== undefined) codes.push(code);
      return;
    }
    // `-c CODE`, `-lc CODE`, `-cCODE`: the letters before c take no value.
    const short = /^-([A-Za-z]*?)c([\s\S]*)$/.exec(text);
    if (short === null || [...short[1]!].some((letter) => SHORT_VALUES.includes(letter))) return;
    const code = short[2] !== '' ? literalWord(short[2]!) : words[i + 1];
    if (code !== undefined) codes.push(code);
  });
  return codes;
}
