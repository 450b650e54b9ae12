import type { ShellWord } from './shell-syntax.js';

/**
 * A shell's own option that takes the next word (`-o pipefail`, `+O extglob`, `--rcfile f`), also when `o`/`O`
 * ends a group (`-euo pipefail`): the script is the word after its value.
 */
export function shellOptionTakesWord(text: string): boolean {
  return /^[-+][a-zA-Z]*[oO]$/.test(text) || text === '--rcfile' || text === '--init-file';
}

/** `-c`, alone or in a group of options (`-ec`, `-cx`). */
const COMMAND_OPTION = /^-[a-zA-Z]*c[a-zA-Z]*$/;

/**
 * Where the code of a shell's `-c` is among its words (args.length when it has none), undefined when it has no `-c`.
 * bash and dash read every option first, wherever `-c` stands among them (`bash -c -e 'rm x'`), and the code is the
 * first word after them; one `--` or `-` ends the options (`bash -c -- 'rm x'`). A word known only at run time there
 * may be the code.
 */
export function shellCodeAt(args: readonly ShellWord[]): number | undefined {
  let command = false;
  for (let i = 0; i < args.length; i++) {
    const text = args[i]!.literal;
    if (text === '--' || text === '-') return command ? i + 1 : undefined;
    if (text === undefined || !/^[-+]/.test(text)) return command ? i : undefined;
    if (COMMAND_OPTION.test(text)) command = true;
    if (shellOptionTakesWord(text)) i++;
  }
  return command ? args.length : undefined;
}
