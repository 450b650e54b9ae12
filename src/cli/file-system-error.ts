/**
 * A file-system error a command ran into and could not turn into one of its own messages (a full disk,
 * a store another user wrote, a read-only mount), said in one line that names the file: the user can
 * act on "cannot write …/runs/index.lock: the disk is full", not on "unexpected error: ENOSPC".
 */
export function fileSystemErrorLine(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, syscall, path } = error as NodeJS.ErrnoException;
  const words = problemWords(code);
  if (words === undefined) return undefined;
  const verb = (syscall && VERBS[syscall]) ?? 'use';
  return `cannot ${verb}${path ? ` ${path}` : ''}: ${words} (${code})`;
}

/** What an errno means, in words a user acts on (`ENOSPC`: the disk is full); undefined for one not listed. */
export function problemWords(code: string | undefined): string | undefined {
  return code === undefined ? undefined : PROBLEMS[code];
}

const PROBLEMS: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file is too large',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EMFILE: 'too many files are open',
  ELOOP: 'there is a loop of symbolic links in the path',
};

const VERBS: Readonly<Record<string, string>> = {
  open: 'open',
  read: 'read',
  write: 'write',
  mkdir: 'create',
  mkdtemp: 'create a folder in',
  rename: 'replace',
  unlink: 'remove',
  rmdir: 'remove',
  chmod: 'change the mode of',
  copyfile: 'copy',
  scandir: 'list',
  stat: 'look at',
  lstat: 'look at',
};
