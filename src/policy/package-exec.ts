import { literalWord, type ShellWord } from './shell-syntax.js';
import type { Unwrapped } from './wrappers.js';

/**
 * The commands package managers run for a line: `npx rm …`, `npm exec -- rm …`, `pnpm -r exec rm …`, `yarn workspace
 * web exec rm …`, `yarn workspaces foreach -A exec rm …`, `pnpm dlx …`, `bunx …`. They run the words after their
 * own options as a program (a package's, or one on the PATH), so the command behind them is what runs.
 */

/** Programs that are an exec themselves. */
const RUNNERS = new Set(['npx', 'bunx', 'pnpx']);
/** The verbs of each package manager that run their operands as a command. */
const EXEC_VERBS: Readonly<Record<string, ReadonlySet<string>>> = {
  npm: new Set(['exec', 'x']),
  pnpm: new Set(['exec', 'dlx']),
  yarn: new Set(['exec', 'dlx']),
  bun: new Set(['x']),
};
/** Options of an exec that take the next word as their value. */
const VALUE_OPTIONS = new Set(['-p', '--package', '--filter', '-F', '--resume-from', '-w', '--workspace', '--allow-build', '--cache', '--registry', '--userconfig', '--loglevel', '--shell', '--report-summary-file']);
/** `npx -c 'rm -rf x'`, `npm exec --call …`: a shell string. */
const CALL_OPTIONS = new Set(['-c', '--call']);
/** `pnpm exec -c rm -rf x`, `pnpm exec --shell-mode …`: the words, joined, run in a shell. */
const SHELL_MODE = new Set(['-c', '--shell-mode']);

/**
 * What a package manager's line runs as a command, or undefined when it runs none that way (`npm install`). An exec
 * verb is taken wherever it stands after the program, whichever words come before it (`pnpm --filter web exec`,
 * `yarn workspace web exec`): reading `run exec rm x` as running `rm x` too rates higher, never lower.
 */
export function packageExec(name: string, args: readonly ShellWord[]): Unwrapped | undefined {
  const verbs = EXEC_VERBS[name];
  const start = RUNNERS.has(name) ? 0 : verbs === undefined ? -1 : args.findIndex((word) => word.literal !== undefined && verbs.has(word.literal)) + 1;
  if (start <= 0 && !RUNNERS.has(name)) return undefined;
  const shellMode = name === 'pnpm';
  for (let i = start; i < args.length; i++) {
    const text = args[i]!.literal;
    if (text === undefined) return { kind: 'command', words: args.slice(i) };
    if (text === '--') return commandOf(args.slice(i + 1));
    if (!text.startsWith('-') || text === '-') return { kind: 'command', words: args.slice(i) };
    const call = /^--call=([\s\S]*)$/.exec(text)?.[1];
    if (call !== undefined) return { kind: 'script', code: literalWord(call) };
    if (shellMode && SHELL_MODE.has(text)) return joined(args.slice(i + 1).filter((word) => word.literal !== '--'));
    if (CALL_OPTIONS.has(text)) return args[i + 1] === undefined ? { kind: 'none' } : { kind: 'script', code: args[i + 1]! };
    if (VALUE_OPTIONS.has(text)) i++;
  }
  return { kind: 'none' };
}

function commandOf(words: readonly ShellWord[]): Unwrapped {
  return words.length === 0 ? { kind: 'none' } : { kind: 'command', words };
}

/** Words a shell runs joined by spaces; one known only at run time leaves them as words. */
function joined(words: readonly ShellWord[]): Unwrapped {
  if (words.length === 0) return { kind: 'none' };
  if (words.some((word) => word.literal === undefined)) return { kind: 'command', words };
  return { kind: 'script', code: literalWord(words.map((word) => word.literal).join(' ')) };
}
