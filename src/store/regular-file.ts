import { constants, type Stats } from 'node:fs';
import { access, open } from 'node:fs/promises';

/** What is at a settings or store path instead of a regular file: a FIFO would block its reader for good. */
export class NotARegularFileError extends Error {
  /** EISDIR for a folder, as readFile says it (callers tell a folder in the way by it). */
  readonly code: string;
  constructor(readonly file: string, info: Stats) {
    super(`${fileKind(info)}, not a regular file`);
    this.name = 'NotARegularFileError';
    this.code = info.isDirectory() ? 'EISDIR' : 'ENOTREG';
  }
}

/**
 * A regular file's UTF-8 text, without a leading byte-order mark (Windows editors write one; JSON.parse
 * refuses it). Opened without blocking and checked as opened: a FIFO, a device or a folder in its place
 * is an error naming what it is, never a wait for a writer that does not come.
 */
export async function readRegularText(file: string): Promise<string> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new NotARegularFileError(file, info);
    const text = await handle.readFile('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } finally {
    await handle.close();
  }
}

export function fileKind(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'a special file';
}

/** Why a folder cannot be read (no read or search permission, a loop of links), in words; undefined when it can. */
export async function unreadableFolder(folder: string): Promise<string | undefined> {
  return access(folder, constants.R_OK | constants.X_OK).then(
    () => undefined,
    (error: NodeJS.ErrnoException) => readProblem(error.code) ?? error.code ?? 'unreadable',
  );
}

/** A read's errno in words, for the ones a settings file's reader meets; undefined for others. */
export function readProblem(code: string | undefined): string | undefined {
  return code === undefined ? undefined : READ_PROBLEMS[code];
}

const READ_PROBLEMS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'a loop of symbolic links',
  EIO: 'input/output error',
};
