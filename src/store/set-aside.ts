import { chmod, link, rename, stat, unlink } from 'node:fs/promises';

/** Moves a broken file aside and says so in one line: `<file> <problem>; moved it to <backup> and <afterwards>`. */
export async function setAside(file: string, problem: string, afterwards: string, warn: (message: string) => void): Promise<void> {
  const backup = await moveAside(file);
  warn(`${file} ${problem}; ${backup ? `moved it to ${backup} and ` : ''}${afterwards}`);
}

/** Moves a broken file to `<file>.corrupt-<timestamp>`; never over an earlier backup. */
export async function moveAside(file: string): Promise<string | undefined> {
  const stamp = new Date().toISOString().replaceAll(':', '').replace('.', '-');
  for (let n = 0; n < 100; n++) {
    const backup = `${file}.corrupt-${stamp}${n ? `-${n}` : ''}`;
    try {
      // link() fails if the backup exists, where rename() would silently replace it.
      await link(file, backup);
      await unlink(file);
      // It keeps what the file held (step history, a session): private, whatever mode the file had.
      await chmod(backup, 0o600).catch(() => {});
      return backup;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code === 'ENOENT') return undefined;
      try {
        await rename(file, backup);
        // A folder in the file's place keeps what it held: private, and still open to its owner.
        const folder = await stat(backup).then((info) => info.isDirectory(), () => false);
        await chmod(backup, folder ? 0o700 : 0o600).catch(() => {});
        return backup;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
