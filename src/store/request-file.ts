import { readFile, stat, unlink } from 'node:fs/promises';
import { writeWhole } from './whole-file.js';

/** How long a request file that does not parse is left for the next poll: its writer may be between open and write. */
const UNFINISHED_MS = 2000;

/**
 * Writes a request (cancel, pause) for a run's owner as a whole: a temp file renamed into place, 0600. A plain
 * writeFile truncates the file first, and an owner polling at that instant read it empty, removed it and lost
 * the request (`ksa pause` then waited in vain).
 */
export async function writeRequestFile(file: string, request: object): Promise<void> {
  await writeWhole(file, JSON.stringify(request));
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

/**
 * Watches a request file: SIGUSR2 wakes it, a poll every `pollMs` backs the signal up. One read at a time: two
 * overlapping reads (a signal during a slow poll) could both take the same request and follow it twice; a signal
 * that comes while a read is under way (maybe before the request was there) reads again after it. `onTaken`
 * returns true when no later request matters (the run is being cancelled). Returns a stop function.
 */
export function watchRequestFile(file: string, onTaken: (taken: TakenRequest) => boolean | void, pollMs: number): () => void {
  let stopped = false;
  let checking = false;
  let again = false;
  const check = async () => {
    if (stopped) return;
    if (checking) {
      again = true;
      return;
    }
    checking = true;
    try {
      do {
        again = false;
        const taken = await takeRequestFile(file);
        if (taken !== undefined && !stopped && onTaken(taken) === true) stopped = true;
      } while (again && !stopped);
    } finally {
      checking = false;
    }
  };
  const onSignal = () => void check();
  process.on('SIGUSR2', onSignal);
  const timer = setInterval(() => void check(), pollMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
    process.off('SIGUSR2', onSignal);
  };
}
