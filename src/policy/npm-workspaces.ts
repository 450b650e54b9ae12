/**
 * Whether npm (pnpm) runs a command in the project's workspaces too (`npm run build --ws`): then each workspace's
 * package.json runs its scripts, not only the root's.
 */

/** npm's workspace options by their full names; npm takes any prefix of one (`--w`, `--works`). */
const LONG = ['--workspace', '--workspaces', '--include-workspace-root', '--recursive', '--filter'];
/** Short forms: `-w a`, `-ws`, `-iwr`, pnpm's `-r` and `-F`. */
const SHORT = /^-(?:w|ws|iwr|r|F)(?:=|$)/;
/** npm's settings from the environment, in any case (`npm_config_workspaces=true npm run build`). */
export const WORKSPACE_SETTING = /npm_config_(?:workspaces?|include_workspace_root)/i;

/** Whether one of a package manager's words is an option that runs it in workspaces (`--ws`, `--workspace=a`, `-w`). */
export function isWorkspaceOption(word: string): boolean {
  if (SHORT.test(word)) return true;
  if (!word.startsWith('--')) return false;
  const name = word.split('=')[0]!.replace(/^--no-/, '--');
  return name.includes('workspace') || name === '--ws' || (name.length > 2 && LONG.some((option) => option.startsWith(name)));
}
