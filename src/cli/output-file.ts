import { constants } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './errors.js';

/**
 * The file `-o` names, checked before the slow part of a command (a paid model call)
 * runs: a missing folder, a folder, or no permission is a usage error now, not after.
 * Returns its absolute path.
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
  if (existing) {
    await access(file, constants.W_OK).catch((error: NodeJS.ErrnoException) => {
      throw problem(flag, given, error);
    });
    return file;
  }
  const folder = path.dirname(file);
  const shownFolder = path.dirname(given);
  const parent = await stat(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new CliError({ message: `${flag} ${given}: no such folder ${shownFolder}; create it first (mkdir -p ${shownFolder}) or write elsewhere` });
    throw problem(flag, given, error);
  });
  if (!parent.isDirectory()) throw new CliError({ message: `${flag} ${given}: ${shownFolder} is not a folder` });
  await access(folder, constants.W_OK | constants.X_OK).catch((error: NodeJS.ErrnoException) => {
    throw problem(flag, given, error, `cannot create files in ${shownFolder}`);
  });
  return file;
}

/** Writes what checkOutputFile allowed; a failure now (the disk filled meanwhile) is still one line. */
export async function writeOutputFile(file: string, given: string, text: string, flag = '-o'): Promise<void> {
  await writeFile(file, text).catch((error: NodeJS.ErrnoException) => {
    throw problem(flag, given, error);
  });
}

function problem(flag: string, given: string, error: NodeJS.ErrnoException, denied = 'permission denied'): CliError {
  const code = error.code;
  const reason =
    code === 'EACCES' || code === 'EPERM'
      ? denied
      : code === 'ENOTDIR'
        ? 'part of the path is not a folder'
        : code === 'EROFS'
          ? 'the file system is read-only'
          : code === 'ENOSPC'
            ? 'the disk is full'
            : code === 'EISDIR'
              ? 'is a folder'
              : `cannot write it: ${error.message}`;
  return new CliError({ message: `${flag} ${given}: ${reason}`, cause: error });
}
