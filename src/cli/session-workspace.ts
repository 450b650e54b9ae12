import { stat } from 'node:fs/promises';
import { workspaceOption } from './workspace-option.js';

/** Where a chat or `ksa ask` works, and a note for the user when that is not simply the current folder. */
export type SessionWorkspace = {
  readonly workspace: string;
  readonly note?: { readonly text: string; readonly tone: 'info' | 'warning' };
};

/**
 * A continued session (`--continue`, `--session`) works in the workspace it was started in: its plans were made
 * for that folder (the planner was told it; `cwd:` and relative paths resolve there), so a waiting plan approved
 * from another folder must not run there. `--workspace` still wins, with a warning when it is another folder; a
 * session whose folder is gone works in the current one, and says so. `switchedTo`: the id of a session an open chat
 * switched to (`/sessions <id>`), where no `--workspace` can be given: the note says how to reopen it here instead.
 */
export async function sessionWorkspace(cwd: string, given: string | undefined, recorded: string | undefined, switchedTo?: string): Promise<SessionWorkspace> {
  if (given !== undefined) {
    const workspace = await workspaceOption(cwd, given, cwd);
    if (recorded === undefined || recorded === workspace) return { workspace };
    return { workspace, note: { text: `this session's plans were made for ${recorded}; they run in ${workspace} (--workspace)`, tone: 'warning' } };
  }
  if (recorded === undefined || recorded === cwd) return { workspace: cwd };
  const exists = await stat(recorded).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (exists) {
    const instead = switchedTo === undefined ? '--workspace . would use that one' : `to work there instead, quit and run ksa chat --session ${switchedTo} --workspace .`;
    return { workspace: recorded, note: { text: `the session's own workspace, not the current folder ${cwd}; ${instead}`, tone: 'info' } };
  }
  return { workspace: cwd, note: { text: `the session was started in ${recorded}, which no longer exists; it works in ${cwd} now`, tone: 'warning' } };
}
