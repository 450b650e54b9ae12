import type { Adapter } from 'lowdb';
import { KsaError } from '../planning/ksa-error.js';
import { readRegularText } from './regular-file.js';
import { writeWhole } from './whole-file.js';

/**
 * A JSON.stringify replacer; one that can also give the value as it writes it (`hide`, see RecordReplacer) is used so:
 * JSON.stringify then runs without calling back for every key.
 */
export type Replacer = ((key: string, value: unknown) => unknown) & { readonly hide?: (value: unknown) => unknown };

/** `data` as JSON, written through `replacer`. */
export function stringifyWith(data: unknown, replacer: Replacer | undefined, space?: number): string {
  return replacer?.hide ? JSON.stringify(replacer.hide(data), undefined, space) : JSON.stringify(data, replacer, space);
}

/**
 * A lowdb adapter like lowdb's JSONFile (temp file + rename, so a kill -9
 * never leaves half a file) that also creates files 0600 and fsyncs before the
 * rename. lowdb's own adapter can do neither: its temp file gets the umask's
 * mode (usually 0644) and is renamed without a sync.
 */
export class PrivateJSONFile<T> implements Adapter<T> {
  constructor(
    readonly filename: string,
    private readonly options: { readonly pretty?: boolean; readonly replacer?: Replacer } = {},
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readRegularText(this.filename);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const data: unknown = JSON.parse(text);
    // lowdb would take `null`, `0` or `false` for "no file" and silently start afresh.
    if (typeof data !== 'object' || data === null) throw new SyntaxError(`expected a JSON object, found ${data === null ? 'null' : typeof data}`);
    return data as T;
  }

  async write(data: T): Promise<void> {
    let text: string;
    try {
      text = stringifyWith(data, this.options.replacer, this.options.pretty ? 2 : undefined);
    } catch (error) {
      // Past the longest string V8 makes (~512 MB): a run that kept a great deal of output (each step keeps up
      // to 1 MiB of stdout and of stderr) can no longer be written as one document.
      if (error instanceof RangeError) throw new KsaError({ name: 'DocumentTooLargeError', message: `${this.filename} is too large to write (over 512 MB as JSON); the steps' output is what makes it so`, cause: error });
      throw error;
    }
    await writeWhole(this.filename, text, { sync: true });
  }
}
