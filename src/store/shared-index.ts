import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import type { z } from 'zod';
import { isRecord } from '../planning/values.js';
import { withFileLock } from './file-lock.js';
import { ensurePrivateDir } from './paths.js';
import { PrivateJSONFile, type Replacer } from './private-json-file.js';
import { setAside } from './set-aside.js';

export type SharedIndexOptions<Entry> = {
  /** The folder holding one sub-folder per item and the index file. */
  readonly dir: string;
  /** Loaded on the first read: a store that is only created (the chat before its first frame) loads no zod. */
  readonly entrySchema: () => Promise<z.ZodType<Entry>>;
  /** An entry as entrySchema would return it when it plainly fits, else undefined: an index of such entries is read without zod. */
  readonly plainEntry?: (value: unknown) => Entry | undefined;
  readonly key: (entry: Entry) => string;
  /** Each item's own file in its folder (e.g. run.json), read to rebuild the index when it is missing or broken. */
  readonly itemFile: string;
  /** An item file's content as an index entry; undefined when it is not a valid item. */
  readonly toEntry: (data: unknown) => Promise<Entry | undefined>;
  readonly onWarning: (message: string) => void;
  /** Applied to everything written (secrets redacted: titles and goals are user text). */
  readonly replacer?: Replacer;
};

type IndexData<Entry> = { version: 1; entries: Entry[] };
type Loaded<Entry> = { readonly data?: IndexData<Entry>; readonly corrupt?: string };

/**
 * A small index (`index.json`) shared by every ksa process, so listings never
 * read whole runs or conversations: each change is a locked read-modify-write.
 * A missing or corrupt index is rebuilt from the items themselves (a corrupt
 * one is moved aside first) and written back.
 */
export class SharedIndex<Entry> {
  readonly file: string;
  private readonly lockFile: string;
  private schema: Promise<z.ZodType<IndexData<Entry>>> | undefined;

  constructor(private readonly options: SharedIndexOptions<Entry>) {
    this.file = path.join(options.dir, 'index.json');
    this.lockFile = path.join(options.dir, 'index.lock');
  }

  async read(): Promise<Entry[]> {
    const loaded = await this.load();
    if (loaded.data) return loaded.data.entries;
    return (await this.update(() => {})).entries;
  }

  /** Adds or replaces one entry. */
  async upsert(entry: Entry): Promise<void> {
    await this.update((data) => {
      const key = this.options.key(entry);
      const at = data.entries.findIndex((existing) => this.options.key(existing) === key);
      if (at === -1) data.entries.push(entry);
      else data.entries[at] = entry;
    });
  }

  private async update(mutate: (data: IndexData<Entry>) => void): Promise<IndexData<Entry>> {
    await ensurePrivateDir(this.options.dir, { ownFolder: true });
    return withFileLock(this.lockFile, async () => {
      const low = new Low<IndexData<Entry>>(new PrivateJSONFile(this.file, { replacer: this.options.replacer }), { version: 1, entries: [] });
      const loaded = await this.load();
      if (loaded.corrupt) await setAside(this.file, loaded.corrupt, 'rebuilt it from the files it lists', this.options.onWarning);
      low.data = loaded.data ?? (await this.rebuild());
      mutate(low.data);
      await low.write();
      return low.data;
    });
  }

  private async load(): Promise<Loaded<Entry>> {
    const low = new Low<unknown>(new PrivateJSONFile(this.file), null);
    try {
      await low.read();
    } catch (error) {
      return { corrupt: `is unreadable (${(error as Error).message})` };
    }
    if (low.data === null) return {};
    const plain = this.plain(low.data);
    if (plain) return { data: plain };
    const parsed = (await this.indexSchema()).safeParse(low.data);
    return parsed.success ? { data: parsed.data } : { corrupt: 'has unexpected content' };
  }

  private plain(data: unknown): IndexData<Entry> | undefined {
    const { plainEntry } = this.options;
    if (!plainEntry || !isRecord(data)) return undefined;
    const { version, entries } = data;
    if (version !== 1 || !Array.isArray(entries)) return undefined;
    const plain: Entry[] = [];
    for (const entry of entries) {
      const taken = plainEntry(entry);
      if (taken === undefined) return undefined;
      plain.push(taken);
    }
    return { version: 1, entries: plain };
  }

  private indexSchema(): Promise<z.ZodType<IndexData<Entry>>> {
    return (this.schema ??= Promise.all([import('zod'), this.options.entrySchema()]).then(
      ([{ z }, entry]) => z.object({ version: z.literal(1), entries: z.array(entry) }) as unknown as z.ZodType<IndexData<Entry>>,
    ));
  }

  private async rebuild(): Promise<IndexData<Entry>> {
    const names = await readdir(this.options.dir, { withFileTypes: true }).catch(() => []);
    const entries: Entry[] = [];
    for (const entry of names) {
      if (!entry.isDirectory()) continue;
      const rebuilt = await new PrivateJSONFile<unknown>(path.join(this.options.dir, entry.name, this.options.itemFile))
        .read()
        .then((data) => this.options.toEntry(data))
        .catch(() => undefined);
      if (rebuilt !== undefined) entries.push(rebuilt);
    }
    return { version: 1, entries };
  }
}
