import { literalWord, type ShellWord } from './shell-syntax.js';
import type { Unwrapped } from './wrappers.js';

/** su's and runuser's options that take a value (util-linux); runuser's -u/--user also makes its operands a command. */
const LONG_VALUES = new Set(['command', 'session-command', 'group', 'supp-group', 'shell', 'whitelist-environment', 'user']);
const SHORT_VALUES = 'cgGswu';

/**
 * What `su` or `runuser` runs, as util-linux reads its words: options anywhere before `--` (getopt moves them
 * forward), so `su deploy -c CODE`, `su -c CODE deploy`, `su - deploy -c CODE`, `su --command=CODE deploy` and
 * `runuser deploy -c CODE` run CODE as deploy; `runuser -u deploy -- cmd …` runs cmd itself; words after the user
 * are handed to the user's shell (`su deploy -- -c CODE`, `su deploy x.sh`); with none of these, a shell starts.
 */
export function switchedUser(name: 'su' | 'runuser', args: readonly ShellWord[]): Unwrapped {
  let code: ShellWord | undefined;
  let command = false;
  let shell = 'sh';
  let asUser = false;
  const operands: ShellWord[] = [];
  const take = (option: string, value: ShellWord | undefined) => {
    if (option === 'c' || option === 'command' || option === 'session-command') {
      command = true;
      code = value;
    } else if ((option === 's' || option === 'shell') && value?.literal !== undefined) shell = value.literal;
    else if (name === 'runuser' && (option === 'u' || option === 'user')) asUser = true;
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
    if (text === undefined || text === '-' || !text.startsWith('-')) {
      if (text !== '-') operands.push(word);
      continue;
    }
    const long = /^--([^=]+)(?:=([\s\S]*))?$/.exec(text);
    if (long !== null) {
      const option = long[1]!;
      if (!LONG_VALUES.has(option)) continue;
      take(option, long[2] !== undefined ? literalWord(long[2]) : args[++i]);
      continue;
    }
    // `-lc CODE`, `-cCODE`, `-ms/bin/bash`: in a group, a letter that takes a value takes the rest of it, or the next word.
    for (let at = 1; at < text.length; at++) {
      const letter = text[at]!;
      if (!SHORT_VALUES.includes(letter)) continue;
      take(letter, at + 1 < text.length ? literalWord(text.slice(at + 1)) : args[++i]);
      break;
    }
  }
  if (command) return code === undefined ? { kind: 'none' } : { kind: 'script', code };
  if (asUser) return operands.length === 0 ? { kind: 'none' } : { kind: 'command', words: operands };
  // The first operand is the user; the rest are the arguments of the shell su starts for it.
  const handed = operands.slice(1);
  return handed.length === 0 ? { kind: 'none' } : { kind: 'command', words: [literalWord(shell), ...handed] };
}
