import { utimes } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

// A run's owner touches its lock while it lives: after a kill -9, the lock's time says when the process was
// last alive, which nothing else does for a step that prints nothing (a `sleep 10` killed after 5 s).

/** How often an owner touches its lock; a lock that says so in its text has been kept current. */
export const HEARTBEAT_MS = 1000;

/** Touches `file` every HEARTBEAT_MS until stopped; never keeps the process alive, never fails it. */
export function startHeartbeat(file: string): () => void {
  const timer = setInterval(() => {
    const now = new Date();
    utimes(file, now, now, () => {});
  }, HEARTBEAT_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * When the dead owner of a run was last known alive: `at`, its lock's last touch, when its lock was kept
 * current; `unknown` when a lock was left by an owner that did not keep it so (an older ksa): it lived
 * until some time after its last record. Neither when no lock was left (its owner ended and said when).
 */
export async function lastAlive(lockFile: string): Promise<{ readonly at?: string; readonly unknown?: true }> {
  const [text, info] = await Promise.all([readFile(lockFile, 'utf8').catch(() => undefined), stat(lockFile).catch(() => undefined)]);
  if (text === undefined || info === undefined) return {};
  let kept = false;
  try {
    kept = typeof (JSON.parse(text) as { heartbeatMs?: unknown }).heartbeatMs === 'number';
  } catch {
    // Unreadable: nothing known of when it was last touched.
  }
  return kept ? { at: info.mtime.toISOString() } : { unknown: true };
}

/** The lock of a run whose logs are in `logDir`. */
export function lockFileOf(logDir: string): string {
  return path.join(path.dirname(logDir), 'owner.lock');
}
