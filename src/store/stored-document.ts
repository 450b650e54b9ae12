import { Low } from 'lowdb';
import type { z } from 'zod';
import { trackDocument } from './open-documents.js';
import { PrivateJSONFile, type Replacer } from './private-json-file.js';
import { moveAside } from './set-aside.js';

export type StoredDocumentOptions<T> = {
  readonly file: string;
  readonly schema: z.ZodType<T>;
  readonly defaults: () => T;
  /** Changes within this window become one write (group commit). */
  readonly delayMs?: number;
  /** Told once, in one line, when a corrupt file was moved aside. */
  readonly onWarning?: (message: string) => void;
  /** Called with where the corrupt file went (undefined: it could not be moved), before the warning. */
  readonly onSetAside?: (backup: string | undefined) => void;
  /** The end of the warning, what happens next; by default the document starts afresh from its defaults. */
  readonly afterSetAside?: string;
  readonly pretty?: boolean;
  /** Applied to every value written, e.g. to redact secrets. */
  readonly replacer?: Replacer;
};

export const DEFAULT_COMMIT_DELAY_MS = 50;

/**
 * One JSON file kept in memory and written back with group commit: many
 * changes, one write, at most one write in flight. lowdb rewrites the whole
 * file on every write, so writing on every change is quadratic; here a burst
 * of changes costs one write.
 */
/** Read errors that say nothing about the file's content. */
const NOT_THE_FILE = new Set(['EMFILE', 'ENFILE', 'EIO', 'ENOMEM', 'EAGAIN', 'EBUSY', 'EINTR', 'EACCES', 'EPERM', 'ETIMEDOUT', 'ENOBUFS', 'ESTALE']);

export class StoredDocument<T> {
  private readonly low: Low<T>;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private lastError: unknown;
  private readonly untrack: () => void;
  private readonly delayMs: number;

  private constructor(
    readonly file: string,
    low: Low<T>,
    delayMs: number,
  ) {
    this.low = low;
    this.delayMs = delayMs;
    this.untrack = trackDocument(this);
  }

  /** Reads and validates the file; a corrupt or unreadable one is moved aside and replaced by the defaults. */
  static async open<T>(options: StoredDocumentOptions<T>): Promise<StoredDocument<T>> {
    const low = new Low<T>(new PrivateJSONFile<T>(options.file, { pretty: options.pretty, replacer: options.replacer }), options.defaults());
    let problem: string | undefined;
    try {
      await low.read();
      const parsed = options.schema.safeParse(low.data);
      if (parsed.success) low.data = parsed.data;
      else problem = `unexpected content at ${parsed.error.issues[0]?.path.join('.') || 'the top level'}: ${parsed.error.issues[0]?.message ?? 'invalid'}`;
    } catch (error) {
      // The machine, not the file: too many open files, an I/O error, no memory, no permission. The file may be
      // fine, and moving it aside would lose a run or a session that nothing was wrong with: the caller says so.
      if (NOT_THE_FILE.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
      problem = error instanceof SyntaxError ? `not valid JSON (${error.message})` : (error as Error).message;
    }
    if (problem !== undefined) {
      const backup = await moveAside(options.file);
      options.onSetAside?.(backup);
      options.onWarning?.(`${options.file} was unreadable (${problem}); ${backup ? `moved it to ${backup}` : 'could not move it aside'}${options.afterSetAside ?? ' and started it afresh'}`);
      low.data = options.defaults();
    }
    return new StoredDocument(options.file, low, options.delayMs ?? DEFAULT_COMMIT_DELAY_MS);
  }

  /** A new document that is not on disk yet (written on its first change). */
  static create<T>(options: { readonly file: string; readonly data: T; readonly delayMs?: number; readonly pretty?: boolean; readonly replacer?: Replacer }): StoredDocument<T> {
    const low = new Low<T>(new PrivateJSONFile<T>(options.file, { pretty: options.pretty, replacer: options.replacer }), options.data);
    return new StoredDocument(options.file, low, options.delayMs ?? DEFAULT_COMMIT_DELAY_MS);
  }

  get data(): T {
    return this.low.data;
  }

  set data(value: T) {
    this.low.data = value;
    this.changed();
  }

  /** Marks the data changed; it is written within `delayMs`, together with every other change until then. */
  changed(): void {
    this.dirty = true;
    if (this.timer === undefined && this.inFlight === undefined) {
      this.timer = setTimeout(() => void this.writeNow(), this.delayMs);
    }
  }

  /** Writes pending changes now; resolves once they are on disk. Rejects if that write failed (the data stays pending). */
  async flush(): Promise<void> {
    this.cancelTimer();
    if (this.inFlight !== undefined) await this.inFlight;
    if (this.dirty) await this.writeNow();
    if (this.lastError !== undefined) {
      const error = this.lastError;
      this.lastError = undefined;
      throw error;
    }
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.cancelTimer();
      this.untrack();
    }
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private writeNow(): Promise<void> {
    this.cancelTimer();
    if (this.inFlight !== undefined) return this.inFlight;
    if (!this.dirty) return Promise.resolve();
    this.dirty = false;
    const write = this.low.write().then(
      () => {
        this.lastError = undefined;
      },
      (error: unknown) => {
        // The data stays in memory and pending: the next change or flush tries again.
        this.lastError = error;
        this.dirty = true;
      },
    );
    this.inFlight = write.finally(() => {
      this.inFlight = undefined;
      // Changes made while this write was in flight go out in the next one.
      if (this.dirty && this.lastError === undefined) this.changed();
    });
    return this.inFlight;
  }
}
