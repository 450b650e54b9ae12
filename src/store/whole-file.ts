import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes `text` as the whole of `file`, 0600: a temp file beside it renamed into place, so a reader (or a kill -9)
 * finds the old text or the new one, never an empty or half-written file. `sync` flushes the temp file to disk
 * before the rename, for records that must survive a power loss too. The temp name is unique: two writers could
 * not collide on it.
 */
export async function writeWhole(file: string, text: string, options: { readonly sync?: boolean } = {}): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      if (options.sync) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    // A full disk fails the write itself: its partial temp file is no use to anyone.
    await unlink(temp).catch(() => {});
    throw error;
  }
}
