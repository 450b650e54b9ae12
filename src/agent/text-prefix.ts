import { constants, type Stats } from 'node:fs';
import { lstat, open, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';
import { isInside } from '../tools/workspace.js';
import { fileKind } from '../store/regular-file.js';

/** What a bounded read of one file found. */
export type TextPrefix =
  | { readonly kind: 'missing' }
  /** Not read, or not used: why, as the end of "<file> is skipped: …". */
  | { readonly kind: 'unusable'; readonly reason: string }
  | {
      readonly kind: 'text';
      readonly text: string;
      /** True when text is the whole file; false when only its first maxBytes were read. */
      readonly complete: boolean;
      /** The file's size. */
      readonly bytes: number;
    };

/**
 * The start of a regular file's UTF-8 text: at most maxBytes are read, so a
 * huge file costs no more than a small one. A FIFO, a device or a directory is
 * not read at all (a FIFO would block, a device may never end), and bytes that
 * are not UTF-8 text (a binary) are not returned as text. With `inside`, a
 * file that is (or links to) one outside that folder is not read either.
 */
export async function readTextPrefix(file: string, maxBytes: number, inside?: string): Promise<TextPrefix> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO that has no writer would wait for one forever; it is refused below.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return openFailure(file, error);
  }
  try {
    // The opened file's own facts: the path may name something else by now.
    const info = await handle.stat();
    if (!info.isFile()) return { kind: 'unusable', reason: `it is ${fileKind(info)}, not a regular file` };
    if (inside !== undefined) {
      const outside = await outsideOf(inside, file, info);
      if (outside !== undefined) return { kind: 'unusable', reason: outside };
    }
    // One byte more than is kept tells whether the file goes on.
    const buffer = Buffer.alloc(maxBytes + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    const complete = filled <= maxBytes;
    return decode(buffer.subarray(0, Math.min(filled, maxBytes)), complete, info.size);
  } catch (error) {
    return { kind: 'unusable', reason: `it cannot be read (${errorText(error)})` };
  } finally {
    await handle.close();
  }
}

/** Why the opened file is not one inside `root` (a link out of it), or undefined when it is. */
async function outsideOf(root: string, file: string, opened: Stats): Promise<string | undefined> {
  const [real, realRoot] = await Promise.all([realpath(file), realpath(root)]);
  if (!isInside(realRoot, real)) return `it is a symbolic link to ${real}, outside the workspace`;
  // The path may have been pointed elsewhere since it was opened: what was opened must be what was checked.
  const checked = await stat(real);
  return checked.dev === opened.dev && checked.ino === opened.ino ? undefined : 'it changed while it was read';
}

function decode(bytes: Buffer, complete: boolean, size: number): TextPrefix {
  if (bytes.includes(0)) return { kind: 'unusable', reason: 'it is not text (it has NUL bytes)' };
  try {
    // stream: a prefix may end inside a character, which is not an error; the end of a whole file may not.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !complete });
    return { kind: 'text', text, complete, bytes: size };
  } catch {
    return { kind: 'unusable', reason: 'it is not UTF-8 text' };
  }
}

async function openFailure(file: string, error: unknown): Promise<TextPrefix> {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    // A symbolic link whose target is gone is a file the user meant to be read.
    const link = await lstat(file).catch(() => undefined);
    if (!link?.isSymbolicLink()) return { kind: 'missing' };
    const target = await readlink(file).catch(() => undefined);
    return { kind: 'unusable', reason: target === undefined ? 'it is a symbolic link to a file that does not exist' : `it is a symbolic link to ${target}, which does not exist` };
  }
  return { kind: 'unusable', reason: `it cannot be read (${errorText(error)})` };
}

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'too many levels of symbolic links',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
};

function errorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (code && REASONS[code]) ?? code ?? String((error as Error | undefined)?.message ?? error);
}
