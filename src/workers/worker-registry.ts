import type { Redis } from 'ioredis';
import { WORKERS_KEY } from './queue-names.js';

/** How often a worker says it is alive, and after how long without a word it counts as gone. */
export const HEARTBEAT_MS = 2000;
export const LIVE_WITHIN_MS = 10_000;

export type WorkerInfo = {
  readonly name: string;
  readonly labels: readonly string[];
  readonly host: string;
  readonly pid: number;
  readonly concurrency: number;
  /** Job ids it runs now. */
  readonly running: readonly string[];
  readonly startedAt: string;
  readonly lastSeen: string;
};

/** Live workers, by name; entries not refreshed for LIVE_WITHIN_MS are dropped (their worker died). */
export async function liveWorkers(redis: Redis, now = Date.now()): Promise<WorkerInfo[]> {
  const entries = await redis.hgetall(WORKERS_KEY);
  const live: WorkerInfo[] = [];
  const dead: string[] = [];
  for (const [name, text] of Object.entries(entries)) {
    let info: WorkerInfo;
    try {
      info = JSON.parse(text) as WorkerInfo;
    } catch {
      dead.push(name);
      continue;
    }
    if (now - Date.parse(info.lastSeen) > LIVE_WITHIN_MS) dead.push(name);
    else live.push(info);
  }
  if (dead.length > 0) await redis.hdel(WORKERS_KEY, ...dead);
  return live.sort((a, b) => a.name.localeCompare(b.name));
}

export function offers(worker: Pick<WorkerInfo, 'labels'>, labels: readonly string[]): boolean {
  return labels.every((label) => worker.labels.includes(label));
}

/** Keeps one worker's entry current until stopped. */
export function startHeartbeat(redis: Redis, info: () => Omit<WorkerInfo, 'lastSeen'>): { beat: () => Promise<void>; stop: () => Promise<void> } {
  const beat = async () => {
    const current = info();
    await redis.hset(WORKERS_KEY, current.name, JSON.stringify({ ...current, lastSeen: new Date().toISOString() }));
  };
  const timer = setInterval(() => void beat().catch(() => {}), HEARTBEAT_MS);
  timer.unref();
  return {
    beat,
    async stop() {
      clearInterval(timer);
      await redis.hdel(WORKERS_KEY, info().name).catch(() => {});
    },
  };
}
