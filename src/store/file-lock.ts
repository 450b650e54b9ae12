import { open, stat, unlink } from 'node:fs/promises';

/**
 * A short-lived cross-process lock for read-modify-write of a shared file
 * (the run index): O_EXCL create, retry, and a stale lock (its holder died)
 * is broken after `staleMs`.
 */
export async function withFileLock<T>(lockFile: string, work: () => Promise<T>, { timeoutMs = 5000, staleMs = 10_000 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      const handle = await open(lockFile, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await stat(lockFile).then(
        (info) => Date.now() - info.mtimeMs,
        () => 0,
      );
      if (age > staleMs) {
        await unlink(lockFile).catch(() => {});
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockFile}; if no other ksa is running, delete it`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  try {
    return await work();
  } finally {
    await unlink(lockFile).catch(() => {});
  }
}
