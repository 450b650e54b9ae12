import { constants, existsSync } from 'node:fs';
import { open, readlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { WorkspacePathError } from './errors.js';
import { isInside, type WorkspacePath } from './workspace.js';

// Linux names every open descriptor under /proc/self/fd; a path through such a
// name continues from the directory the descriptor holds, like openat(2).
const PROC_FD = '/proc/self/fd';
const hasProcFd = process.platform === 'linux' && existsSync(PROC_FD);

/**
 * Opens a checked workspace location without trusting the path a second time.
 * Between the check and the open, a parent directory could be swapped for a
 * symlink that leads out; O_NOFOLLOW guards only the last component. So the
 * parent directory is opened first, where it really is now is read back from
 * its descriptor and checked, and the file is opened relative to that very
 * descriptor (never following a symlink in its last component). Without
 * /proc, the plain open with O_NOFOLLOW is the best Node offers.
 */
export async function openInWorkspace(target: WorkspacePath, flags: number, mode?: number): Promise<FileHandle> {
  if (!hasProcFd) return open(target.real, flags | constants.O_NOFOLLOW, mode);
  const directory = await open(path.dirname(target.real), constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    const now = await readlink(`${PROC_FD}/${directory.fd}`);
    if (!isInside(target.realRoot, now)) {
      throw new WorkspacePathError({
        path: target.relative,
        workspace: target.realRoot,
        problem: 'outside_workspace',
        message: `path "${target.relative}" left the workspace ${target.realRoot} while it was opened (its folder now leads to ${now})`,
      });
    }
    return await open(`${PROC_FD}/${directory.fd}/${path.basename(target.real)}`, flags | constants.O_NOFOLLOW, mode);
  } finally {
    await directory.close();
  }
}
