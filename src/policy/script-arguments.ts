import { INTERPRETERS, SHELLS } from './command-risk.js';
import { isCommandOption, isStdinOption, mayBeShellCodeAt, shellCodeAt, shellOptionValues } from './shell-options.js';
import { pathSpelling } from './path-spelling.js';
import { fishWords } from './fish-options.js';
import { isStandardInput } from './standard-input.js';
import type { ShellWord } from './shell-syntax.js';

/** The code after a shell's `-c` (`sh -ec 'cmd'`, `bash -c -- 'cmd'`, `fish --command='cmd'`), when it is written out. */
export function shellCode(args: readonly ShellWord[], shell: string): string | undefined {
  if (shell === 'fish') {
    const { code } = fishWords(args);
    return code.length === 0 || code.some((word) => word.literal === undefined) ? undefined : code.map((word) => word.literal).join('\n');
  }
  // `bash "$FLAGS" -c '…'`: the word known only at run time may be options only, and the code then runs.
  const at = shellCodeAt(args) ?? mayBeShellCodeAt(args);
  return at === undefined ? undefined : args[at]?.literal;
}

/** The word a shell's `-c` code is, written out or not (`bash -c "$CODE"`); undefined for fish and without `-c`. */
export function shellCodeWord(args: readonly ShellWord[], shell: string): ShellWord | undefined {
  if (shell === 'fish') return undefined;
  const at = shellCodeAt(args) ?? mayBeShellCodeAt(args);
  return at === undefined ? undefined : args[at];
}

/** The script file a shell, `source` or an interpreter is given; none for `-c`/`-e` code. */
export function scriptArgument(name: string, args: readonly ShellWord[]): string | undefined {
  if (name === 'source' || name === '.') return args[0] === undefined ? undefined : pathSpelling(args[0]);
  if (!SHELLS.has(name) && !INTERPRETERS.has(name)) return undefined;
  if (name === 'fish') {
    const { command, operands } = fishWords(args);
    return command || args[operands] === undefined ? undefined : pathSpelling(args[operands]!);
  }
  for (let i = 0; i < args.length; i++) {
    const text = pathSpelling(args[i]!);
    if (text === undefined) return undefined;
    if (text === '--') return SHELLS.has(name) && args[i + 1] !== undefined ? pathSpelling(args[i + 1]!) : undefined;
    // Code on the line itself (`bash -c`, `python -c`, `node -e`, `python -m module`) is rated as the line.
    if (SHELLS.has(name) ? isCommandOption(text) : /^(-[a-zA-Z]*[ceEpmr]|--eval|--print)$/.test(text)) return undefined;
    if (SHELLS.has(name) && shellOptionValues(text) > 0) {
      i += shellOptionValues(text);
      continue;
    }
    if (text.startsWith('-') || text.startsWith('+')) continue;
    return text;
  }
  return undefined;
}

/**
 * Whether a shell (or `source`, `.`) takes its code from standard input: `bash`, `sh -s --`, `bash -`, `zsh /dev/stdin`,
 * `. /dev/stdin`. A word known only at run time may be a script file, so it is not taken as reading stdin.
 */
export function readsStdinCode(name: string, args: readonly ShellWord[]): boolean {
  if (name === 'source' || name === '.') return args[0]?.literal !== undefined && isStandardInput(args[0].literal);
  if (!SHELLS.has(name)) return false;
  if (name === 'fish') {
    const { command, operands } = fishWords(args);
    const script = args[operands];
    return !command && (script === undefined || (script.literal !== undefined && isStandardInput(script.literal)));
  }
  // `bash -s -c 'cmd'`: -c wins, wherever it stands among the options.
  if (shellCodeAt(args) !== undefined) return false;
  for (let i = 0; i < args.length; i++) {
    const text = args[i]!.literal;
    if (text === undefined) return false;
    // `bash - x.sh` runs x.sh, as `bash -- x.sh` does: `-` only ends the options.
    if (text === '--' || text === '-') return args[i + 1] === undefined || (args[i + 1]!.literal !== undefined && isStandardInput(args[i + 1]!.literal!));
    if (isCommandOption(text)) return false;
    // After `-s` the words are the arguments of the code read from stdin.
    if (isStdinOption(text)) return true;
    if (shellOptionValues(text) > 0) {
      i += shellOptionValues(text);
      continue;
    }
    if (text.startsWith('-') || text.startsWith('+')) continue;
    return isStandardInput(text);
  }
  return true;
}
