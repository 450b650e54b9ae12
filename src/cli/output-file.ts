import { constants } from 'node:fs';
import { access, open, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './errors.js';

/**
 * The file `-o` names, checked before the slow part of a command (a paid model call)
 * runs: a missing folder, a folder, or a file that cannot be written is a usage error
 * now, not after. Returns its absolute path.
 */
export async function checkOutputFile(cwd: string, given: string, flag = '-o'): Promise<string> {
  if (given.trim() === '') throw new CliError({ message: `${flag} needs a file name, e.g. ${flag} plan.yaml` });
  const file = path.resolve(cwd, given);
  const existing = await stat(file).catch((error: NodeJS.ErrnoException) => {
    // ENOTDIR: the folder it would go in is a file, which the check of that folder says.
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw problem(flag, given, error);
  });
  if (existing?.isDirectory()) throw new CliError({ message: `${flag} ${given}: is a folder; give a file name, e.g. ${flag} ${path.join(given, 'plan.yaml')}` });
  // Opened as the write will open it: access() answers from the permission bits, which root passes
  // everywhere, and a folder such as /proc takes no new files whatever its bits say.
  if (existing) {
    const denied = (error: NodeJS.ErrnoException) => {
      throw problem(flag, given, error);
    };
    // A FIFO or a device is not opened to find out: closing it again would end the reader's stream.
    if (!existing.isFile()) await access(file, constants.W_OK).catch(denied);
    else await (await open(file, constants.O_WRONLY).catch(denied)).close();
    return file;
  }
  const folder = path.dirname(file);
  const shownFolder = path.dirname(given);
  const parent = await stat(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new CliError({ message: `${flag} ${given}: no such folder ${shownFolder}; create it first (mkdir -p ${shownFolder}) or write elsewhere` });
    throw problem(flag, given, error);
  });
  if (!parent.isDirectory()) throw new CliError({ message: `${flag} ${given}: ${shownFolder} is not a folder` });
  // Created and removed again: only creating it shows that the folder takes it.
  const probe = await open(file, 'wx', 0o600).catch((error: NodeJS.ErrnoException) => {
    // Someone else made it meanwhile: it is theirs to keep, and the write replaces it as it would have.
    if (error.code === 'EEXIST') return undefined;
    throw problem(flag, given, error, `cannot create files in ${shownFolder}`);
  });
  if (probe) {
    await probe.close();
    await unlink(file).catch(() => {});
  }
  return file;
}

/** Writes what checkOutputFile allowed; a failure now (the disk filled meanwhile) is still one line. */
export async function writeOutputFile(file: string, given: string, text: string, flag = '-o'): Promise<void> {
  await writeFile(file, text).catch((error: NodeJS.ErrnoException) => {
    throw problem(flag, given, error);
  });
}

function problem(flag: string, given: string, error: NodeJS.ErrnoException, denied = 'permission denied'): CliError {
  return new CliError({ message: `${flag} ${given}: ${reason(given, error, denied)}`, cause: error });
}

function reason(given: string, error: NodeJS.ErrnoException, denied: string): string {
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return denied;
    case 'ENOENT':
      // With its folder there: a folder that takes no new files (/proc, /sys), or one removed meanwhile.
      return `cannot create files in ${path.dirname(given)}`;
    case 'ENOTDIR':
      return 'part of the path is not a folder';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EISDIR':
      return 'is a folder';
    case 'EINVAL':
      // Opened fine, but the kernel refuses what is written (/proc/self/status and the like).
      return 'this file does not take what ksa writes (a special file); write to a regular file';
    default:
      return `cannot write it: ${error.message}`;
  }
}
