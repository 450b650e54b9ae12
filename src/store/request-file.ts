import { randomBytes } from 'node:crypto';
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** How long a request file that does not parse is left for the next poll: its writer may be between open and write. */
const UNFINISHED_MS = 2000;

/**
 * Writes a request (cancel, pause) for a run's owner as a whole: a temp file renamed into place, 0600. A plain
 * writeFile truncates the file first, and an owner polling at that instant read it empty, removed it and lost
 * the request (`ksa pause` then waited in vain).
 */
export async function writeRequestFile(file: string, request: object): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, JSON.stringify(request), { mode: 0o600 });
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}

export type TakenRequest = {
  /** The request's fields; `{}` for an old file that is not a JSON object. */
  readonly request: { readonly [key: string]: unknown };
  /** When the file was last written (ms). */
  readonly madeAt: number;
};

/**
 * Reads and removes a request file; undefined when there is none, or when it does not parse yet and is new
 * (written by an older ksa that wrote in place, or caught mid-write): the next poll reads it again.
 */
export async function takeRequestFile(file: string): Promise<TakenRequest | undefined> {
  let text: string;
  let madeAt: number;
  try {
    [text, madeAt] = await Promise.all([readFile(file, 'utf8'), stat(file).then((info) => info.mtimeMs)]);
  } catch {
    return undefined;
  }
  const request = parseObject(text);
  if (request === undefined && Date.now() - madeAt < UNFINISHED_MS) return undefined;
  await unlink(file).catch(() => {});
  return { request: request ?? {}, madeAt };
}

function parseObject(text: string): { readonly [key: string]: unknown } | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { [key: string]: unknown }) : undefined;
  } catch {
    return undefined;
  }
}
