import type { CommandContext } from './command-context.js';
import type { ShellWord } from './shell-syntax.js';

/**
 * Wrappers after which code may run without the step's `env`: sudo and doas reset the environment, `su -` and
 * `runuser -l` start a login shell, `env -i` and `env -u` clear it.
 */
export function resetsEnvironment(name: string, args: readonly ShellWord[]): boolean {
  if (name === 'sudo' || name === 'doas' || name === 'su' || name === 'runuser') return true;
  return name === 'env' && args.some((word) => word.literal === undefined || /^(?:-[^-=]*[iu]|--ignore-environment|--unset)/.test(word.literal));
}

/**
 * What code run elsewhere (behind `sudo`, over ssh, in a container) sees: none of the step's values, so
 * `sudo bash -c 'helm uninstall web $DRY'` with `env: { DRY: --dry-run }` is not read as a dry run.
 */
export function elsewhere(context: CommandContext): CommandContext {
  return { ...context, script: (code, stdin) => context.script(code, stdin, true) };
}
