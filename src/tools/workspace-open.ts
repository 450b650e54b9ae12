import { constants, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { lstat, open, readlink, rename, rm, type FileHandle } from 'node:fs/promises';
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
  return inCheckedFolder(target, (folder) => open(`${folder}/${path.basename(target.real)}`, flags | constants.O_NOFOLLOW, mode));
}

/**
 * Replaces a workspace file as a whole: the content goes to a new file beside it,
 * which then takes its name. A step cut short leaves the old content (not an empty
 * file), and a hard link to a file elsewhere is not written through: the name gets
 * a new file. The old file's permissions are kept; a symlink there is refused, as
 * opening it would be.
 */
export async function replaceInWorkspace(target: WorkspacePath, content: string, signal: AbortSignal): Promise<void> {
  await inCheckedFolder(target, async (folder) => {
    const name = path.basename(target.real);
    const existing = await lstat(`${folder}/${name}`).catch(() => undefined);
    if (existing?.isSymbolicLink()) throw Object.assign(new Error(`${target.relative} is a symbolic link`), { code: 'ELOOP' });
    if (existing?.isDirectory()) throw Object.assign(new Error(`${target.relative} is a directory`), { code: 'EISDIR' });
    const temporary = `${folder}/.${name.slice(0, 200)}.${randomBytes(6).toString('hex')}.ksa-tmp`;
    const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o666);
    try {
      try {
        await handle.writeFile(content, { encoding: 'utf8', signal });
        if (existing) await handle.chmod(existing.mode & 0o7777);
      } finally {
        await handle.close();
      }
      await rename(temporary, `${folder}/${name}`);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  });
}

/**
 * Runs `work` with a path to the target's folder that cannot be swapped under it:
 * the folder is opened, where it really is now is read back from its descriptor
 * and checked, and `work` reaches it through that very descriptor. Without /proc,
 * the folder's plain path is the best Node offers.
 */
async function inCheckedFolder<T>(target: WorkspacePath, work: (folder: string) => Promise<T>): Promise<T> {
  if (!hasProcFd) return work(path.dirname(target.real));
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
    return await work(`${PROC_FD}/${directory.fd}`);
  } finally {
    await directory.close();
  }
}
