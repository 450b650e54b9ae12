import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import { withFileLock } from './file-lock.js';
import { ensurePrivateDir } from './paths.js';
import { PrivateJSONFile } from './private-json-file.js';

export type SharedIndexOptions<Entry> = {
  /** The folder holding one sub-folder per item and the index file. */
  readonly dir: string;
  readonly entrySchema: z.ZodType<Entry>;
  readonly key: (entry: Entry) => string;
  /** Reads one item's folder to rebuild its entry (only when the index is missing or broken). */
  readonly rebuildEntry: (itemDir: string) => Promise<Entry | undefined>;
  readonly onWarning: (message: string) => void;
};

type IndexData<Entry> = { version: 1; entries: Entry[] };

/**
 * A small index (`index.json`) shared by every ksa process, so listings never
 * read whole runs or conversations: each change is a locked read-modify-write.
 * A missing or corrupt index is rebuilt from the items themselves.
 */
export class SharedIndex<Entry> {
  readonly file: string;
  private readonly lockFile: string;
  private readonly schema: z.ZodType<IndexData<Entry>>;

  constructor(private readonly options: SharedIndexOptions<Entry>) {
    this.file = path.join(options.dir, 'index.json');
    this.lockFile = path.join(options.dir, 'index.lock');
    this.schema = z.object({ version: z.literal(1), entries: z.array(options.entrySchema) }) as unknown as z.ZodType<IndexData<Entry>>;
  }

  async read(): Promise<Entry[]> {
    return ((await this.load()) ?? (await this.rebuild())).entries;
  }

  /** Adds or replaces one entry. */
  async upsert(entry: Entry): Promise<void> {
    await ensurePrivateDir(this.options.dir);
    await withFileLock(this.lockFile, async () => {
      const low = new Low<IndexData<Entry>>(new PrivateJSONFile(this.file), { version: 1, entries: [] });
      low.data = (await this.load()) ?? (await this.rebuild());
      const key = this.options.key(entry);
      const at = low.data.entries.findIndex((existing) => this.options.key(existing) === key);
      if (at === -1) low.data.entries.push(entry);
      else low.data.entries[at] = entry;
      await low.write();
    });
  }

  private async load(): Promise<IndexData<Entry> | undefined> {
    const low = new Low<unknown>(new PrivateJSONFile(this.file), null);
    try {
      await low.read();
    } catch (error) {
      this.options.onWarning(`${this.file} is unreadable (${(error as Error).message}); rebuilding it`);
      return undefined;
    }
    if (low.data === null) return undefined;
    const parsed = this.schema.safeParse(low.data);
    if (!parsed.success) {
      this.options.onWarning(`${this.file} has unexpected content; rebuilding it`);
      return undefined;
    }
    return parsed.data;
  }

  private async rebuild(): Promise<IndexData<Entry>> {
    const names = await readdir(this.options.dir, { withFileTypes: true }).catch(() => []);
    const entries: Entry[] = [];
    for (const entry of names) {
      if (!entry.isDirectory()) continue;
      const rebuilt = await this.options.rebuildEntry(path.join(this.options.dir, entry.name)).catch(() => undefined);
      if (rebuilt !== undefined) entries.push(rebuilt);
    }
    return { version: 1, entries };
  }
}
