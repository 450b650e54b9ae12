import { open, readFile, stat, unlink } from 'node:fs/promises';

/**
 * A short-lived cross-process lock for read-modify-write of a shared file
 * (the indexes, a lock takeover): O_EXCL create and retry. A lock whose
 * holder (the pid written in it) is dead is broken at once; one that is
 * merely old is broken after `staleMs`, well before we would give up.
 * `onWait` hears once, after a second, that the lock is held (a user waiting on it should know why).
 */
export async function withFileLock<T>(
  lockFile: string,
  work: () => Promise<T>,
  { timeoutMs = 5000, staleMs = 2500, onWait }: { timeoutMs?: number; staleMs?: number; onWait?: (holder: string) => void } = {},
): Promise<T> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  let told = onWait === undefined;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      const handle = await open(lockFile, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await isAbandoned(lockFile, staleMs)) {
        await unlink(lockFile).catch(() => {});
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockFile}; if no other ksa is running, delete it`);
      if (!told && Date.now() - started >= 1000) {
        told = true;
        onWait!(await holderOf(lockFile));
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  try {
    return await work();
  } finally {
    await unlink(lockFile).catch(() => {});
  }
}

/** "process 1234" from the lock file, for a message. */
async function holderOf(lockFile: string): Promise<string> {
  const pid = (await readFile(lockFile, 'utf8').catch(() => '')).trim();
  return /^\d+$/.test(pid) ? `process ${pid}` : 'another process';
}

async function isAbandoned(lockFile: string, staleMs: number): Promise<boolean> {
  let age: number;
  try {
    age = Date.now() - (await stat(lockFile)).mtimeMs;
  } catch {
    return false;
  }
  if (age > staleMs) return true;
  const pid = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
  // An empty file is being written this very moment; a pid that is gone will never unlock it.
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
