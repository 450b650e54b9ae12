import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { currentBootId, isZombie, recognize } from '../tools/process-identity.js';
import { WORKERS_KEY, workerNameKey } from './queue-names.js';
import { WorkerNameTakenError } from './worker-name-taken-error.js';
import { redisNow } from './redis-clock.js';

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
  /** Its last heartbeat, by Redis's clock (the worker's own may be off). */
  readonly lastSeen: string;
  /** The boot of its machine and its process's start (Linux): a restart on that machine can tell it died. */
  readonly bootId?: string;
  readonly startTicks?: number;
  /** Stopping (SIGTERM): it finishes what runs and takes no new step. */
  readonly stopping?: true;
};

/** Live workers, by name; entries not refreshed for LIVE_WITHIN_MS (by Redis's clock, `now`) are dropped (their worker died). */
export async function liveWorkers(redis: Redis, now?: number): Promise<WorkerInfo[]> {
  const [entries, at] = await Promise.all([redis.hgetall(WORKERS_KEY), now ?? redisNow(redis)]);
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
    if (at - Date.parse(info.lastSeen) > LIVE_WITHIN_MS) dead.push(name);
    else live.push(info);
  }
  if (dead.length > 0) await redis.hdel(WORKERS_KEY, ...dead);
  return live.sort((a, b) => a.name.localeCompare(b.name));
}

/** Whether a worker takes new steps with these labels (one that is stopping takes none). */
export function offers(worker: Pick<WorkerInfo, 'labels' | 'stopping'>, labels: readonly string[]): boolean {
  return worker.stopping !== true && labels.every((label) => worker.labels.includes(label));
}

/** Renews the name's claim if this worker holds it, or takes it back if it lapsed (a Redis restart); never takes another's. */
const RENEW_CLAIM = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0`;
const RELEASE_CLAIM = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Takes a worker name for this process (`token`), atomically: two workers
 * started at once under one name cannot both have it. A claim lapses
 * LIVE_WITHIN_MS after its worker's last heartbeat, as its registry entry
 * goes stale, so the name of a worker that died is free again then.
 */
export async function claimWorkerName(redis: Redis, name: string, token: string): Promise<void> {
  const [entry, now] = await Promise.all([redis.hget(WORKERS_KEY, name), redisNow(redis)]);
  const holder = entry === null ? undefined : parseEntry(entry);
  // A live entry without a claim is a worker of an older ksa: its name is as taken.
  const live = holder && now - Date.parse(holder.lastSeen) <= LIVE_WITHIN_MS ? holder : undefined;
  if (live && diedHere(live)) {
    // Restarted on its machine (by a supervisor, after kill -9) within the seconds its entry stays fresh:
    // its claim is taken over, unless another worker took the name meanwhile.
    const claimed = await redis.get(workerNameKey(name));
    if ((await redis.eval(TAKE_OVER_CLAIM, 1, workerNameKey(name), claimed ?? '', token, LIVE_WITHIN_MS)) === 1) return;
    throw new WorkerNameTakenError({ name, holder: live, now });
  }
  if (live || (await redis.set(workerNameKey(name), token, 'PX', LIVE_WITHIN_MS, 'NX')) === null) {
    throw new WorkerNameTakenError({ name, holder: live ?? holder, now });
  }
}

/** Sets the claim to this worker's token if it still is what was read (nothing, or the dead worker's). */
const TAKE_OVER_CLAIM = `local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;

/**
 * A registered worker of this machine (this boot) whose process is gone: its pid is free or has
 * another start time. One of another machine, or of an older ksa that did not say, cannot be told.
 */
export function diedHere(holder: WorkerInfo): boolean {
  if (holder.bootId === undefined || holder.startTicks === undefined || holder.host !== hostname() || holder.bootId !== currentBootId()) return false;
  // In this boot, a pid with another start time, with no process at all, or a zombie (killed, not yet reaped) is no longer that worker.
  return recognize(holder.pid, holder) !== 'same' || isZombie(holder.pid);
}

function parseEntry(text: string): WorkerInfo | undefined {
  try {
    return JSON.parse(text) as WorkerInfo;
  } catch {
    return undefined;
  }
}

/** Keeps one worker's entry (and its name's claim, `token`) current until stopped. */
export function startHeartbeat(redis: Redis, token: string, info: () => Omit<WorkerInfo, 'lastSeen'>): { beat: () => Promise<void>; stop: () => Promise<void> } {
  const beat = async () => {
    const current = info();
    await redis.eval(RENEW_CLAIM, 1, workerNameKey(current.name), token, LIVE_WITHIN_MS);
    const lastSeen = new Date(await redisNow(redis)).toISOString();
    await redis.hset(WORKERS_KEY, current.name, JSON.stringify({ ...current, lastSeen }));
  };
  const timer = setInterval(() => void beat().catch(() => {}), HEARTBEAT_MS);
  timer.unref();
  return {
    beat,
    async stop() {
      clearInterval(timer);
      await redis.hdel(WORKERS_KEY, info().name).catch(() => {});
      await redis.eval(RELEASE_CLAIM, 1, workerNameKey(info().name), token).catch(() => {});
    },
  };
}
