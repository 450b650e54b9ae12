import type { ShellWord } from './shell-syntax.js';

/**
 * How many of the next words a shell's own option takes: `-o pipefail`, `+O extglob`, `--rcfile f` one; in a group,
 * bash and dash give each `o`/`O` its own next word, in order (`-oOc pipefail extglob`, `-euo pipefail`).
 */
export function shellOptionValues(text: string): number {
  if (text === '--rcfile' || text === '--init-file') return 1;
  return /^[-+][a-zA-Z]+$/.test(text) ? text.replace(/[^oO]/g, '').length : 0;
}

/** `-c`, alone or in a group of options (`-ec`, `-cx`); bash and dash take `+c` (`+oc pipefail`) as `-c` too. */
export function isCommandOption(text: string): boolean {
  return /^[-+][a-zA-Z]*c[a-zA-Z]*$/.test(text);
}

/**
 * Where the code of a shell's `-c` is among its words (args.length when it has none), undefined when it has no `-c`.
 * bash and dash read every option first, wherever `-c` stands among them (`bash -c -e 'rm x'`, `bash -oc pipefail
 * 'rm x'`), and the code is the first word after them and their values; one `--` or `-` ends the options
 * (`bash -c -- 'rm x'`). A word known only at run time there may be the code.
 */
export function shellCodeAt(args: readonly ShellWord[]): number | undefined {
  let command = false;
  for (let i = 0; i < args.length; i++) {
    const text = args[i]!.literal;
    if (text === '--' || text === '-') return command ? i + 1 : undefined;
    if (text === undefined || !/^[-+]/.test(text)) return command ? i : undefined;
    if (isCommandOption(text)) command = true;
    i += shellOptionValues(text);
  }
  return command ? args.length : undefined;
}

/**
 * Where the code of a `-c` may be when a word before it is known only at run time (`bash "$FLAGS" -c 'rm x'`): that
 * word may be options only, so `-c` and its code after it count; otherwise as shellCodeAt.
 */
export function mayBeShellCodeAt(args: readonly ShellWord[]): number | undefined {
  let command = false;
  for (let i = 0; i < args.length; i++) {
    const text = args[i]!.literal;
    if (text === undefined) {
      if (command) return i;
      continue;
    }
    if (text === '--' || text === '-') return command ? i + 1 : undefined;
    if (!/^[-+]/.test(text)) return command ? i : undefined;
    if (isCommandOption(text)) command = true;
    i += shellOptionValues(text);
  }
  return command ? args.length : undefined;
}

/** `-s`, alone or in a group (`-xs`): the shell reads its code from standard input, the words after it are its arguments. */
export function isStdinOption(text: string): boolean {
  return /^-[a-zA-Z]*s[a-zA-Z]*$/.test(text);
}
