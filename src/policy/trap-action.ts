import type { ShellWord } from './shell-syntax.js';

/** What a `trap` command does: lists the traps (`trap`, `trap -p`, `trap -l`), resets them (`trap - EXIT`), or sets code to run. */
export type TrapAction = { readonly kind: 'list' } | { readonly kind: 'reset' } | { readonly kind: 'code'; readonly code: ShellWord };

/**
 * `trap 'rm -rf x' EXIT`, `trap -- 'rm -rf x' EXIT`: the trap's first operand is a shell line it runs later;
 * `trap - EXIT` puts the signals back as they were, a `-` that is no command.
 */
export function trapAction(args: readonly ShellWord[]): TrapAction {
  const operands = args[0]?.literal === '--' ? args.slice(1) : args;
  const [action] = operands;
  if (action === undefined || args.some((arg) => arg.literal === '-p' || arg.literal === '-l')) return { kind: 'list' };
  if (action.literal === '-') return { kind: 'reset' };
  return { kind: 'code', code: action };
}
