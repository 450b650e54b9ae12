import type { ShellWord } from './shell-syntax.js';

/** Words that open a compound command: the parser takes them as a command's words when `coproc` comes first. */
const OPENERS = new Set(['{', 'while', 'until', 'if', 'for', 'select', 'case', '!', 'do', 'then', 'else', 'elif']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The command behind `coproc` (`coproc kubectl delete pod web`, `coproc X { touch f; }`, `coproc while …; do rm …`):
 * the bash parser does not know the keyword and reads the line as one command named `coproc`, and the first command
 * of its `{ … }` or loop as the words after `{`, `do` or `then`. Those words without the coprocess's name and the
 * keywords in front; undefined when the command is named none of these.
 */
export function keywordCommand(name: string, args: readonly ShellWord[]): readonly ShellWord[] | undefined {
  if (name !== 'coproc' && !OPENERS.has(name)) return undefined;
  let words = args;
  // `coproc NAME { … }`: a name only before a compound command (before a simple one it is the command).
  if (name === 'coproc' && NAME.test(words[0]?.literal ?? '') && OPENERS.has(words[1]?.literal ?? '')) words = words.slice(1);
  while (words.length > 0 && OPENERS.has(words[0]!.literal ?? '')) words = words.slice(1);
  return words;
}
