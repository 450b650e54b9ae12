import type { Redis } from 'ioredis';
import { leftResult, type LeftResult } from './left-results.js';
import { CANCEL_CHANNEL, cancelledKey, WORKERS_KEY } from './queue-names.js';
import { redisNow } from './redis-clock.js';
import { workerLost } from './step-messages.js';
import { stoppedEnd } from './stopped-job.js';
import { processGone } from './worker-gone.js';
import { LIVE_WITHIN_MS, type WorkerInfo } from './worker-registry.js';

/** How often the registry and the attempt's left result are looked at while its worker stops it. */
const LOOK_MS = 250;

/**
 * How an attempt judged lost (its job's lock expired) ended on its worker:
 * - `left`: the worker ended it and left how (its result, its error, or the stop itself);
 * - `stopped`: the worker's heartbeat no longer lists it (it ended there);
 * - `gone`: the worker is gone from the registry (or its process is, on this machine, or a later process holds
 *   its name): nothing runs it;
 * - `unknown`: the worker still lists it after the bound; it was told to stop.
 */
export type LostAttemptEnd = { readonly how: 'left'; readonly left: LeftResult } | { readonly how: 'stopped' | 'gone' | 'unknown' };

/**
 * A lost attempt's job can no longer finish, but its worker may still be running it: a Redis that did not
 * answer for longer than the lock lets the lock expire while the worker is alive. Its cancel mark and message
 * tell the worker to stop it; the retry waits for that (bounded by `boundMs`), or it would run beside it.
 * `takenAt`: when its worker took the job (jobTaker), to tell that worker's process from a later one of its name.
 */
export async function stopLostAttempt(client: Redis, jobId: string, worker: string, { takenAt, boundMs = LIVE_WITHIN_MS, closed = () => false }: { takenAt?: number; boundMs?: number; closed?: () => boolean } = {}): Promise<LostAttemptEnd> {
  await client.set(cancelledKey(jobId), '1', 'EX', 3600).catch(() => {});
  const since = await redisNow(client).catch(() => Date.now());
  await client.publish(CANCEL_CHANNEL, jobId).catch(() => {});
  const deadline = Date.now() + boundMs;
  for (;;) {
    const left = await leftResult(client, jobId).catch(() => undefined);
    if (left) return { how: 'left', left };
    const seen = await workerEntry(client, worker, takenAt);
    if (seen === 'gone') return { how: 'gone' };
    // A heartbeat sent after the stop was asked lists what the worker still runs.
    if (seen && Date.parse(seen.lastSeen) > since && !seen.running.includes(jobId)) return { how: 'stopped' };
    if (Date.now() >= deadline || closed()) return { how: 'unknown' };
    await new Promise((resolve) => setTimeout(resolve, LOOK_MS));
  }
}

/**
 * The worker that took a job, and when: BullMQ's processedOn, stamped by the taking process's own clock, as its
 * registry entry's startedAt is. Read as the run learns of the taking: a job that stalled is taken again by a
 * worker that fails it, which stamps both anew.
 */
export async function jobTaker(client: Redis, jobKey: string): Promise<{ readonly worker: string | undefined; readonly takenAt: number | undefined }> {
  const [worker, processedOn] = await client.hmget(jobKey, 'pb', 'processedOn');
  const at = processedOn === null ? Number.NaN : Number(processedOn);
  return { worker: worker || undefined, takenAt: Number.isFinite(at) ? at : undefined };
}

/**
 * The registry entry of the worker process that took the job at `takenAt`; 'gone' when it left, its entry is
 * stale, its process died on this machine, or a process started after the job was taken holds its name (a
 * supervisor restarted it at once, with the same --name): the name's heartbeat is then another process's and
 * says nothing of the attempt, whose process died with the one before. Undefined when Redis did not say.
 */
async function workerEntry(client: Redis, worker: string, takenAt: number | undefined): Promise<WorkerInfo | 'gone' | undefined> {
  try {
    const [text, now] = await Promise.all([client.hget(WORKERS_KEY, worker), redisNow(client)]);
    if (text === null) return 'gone';
    const info = JSON.parse(text) as WorkerInfo;
    return processGone(info, now, takenAt) === undefined ? info : 'gone';
  } catch {
    return undefined;
  }
}

/**
 * What the run is told of a lost attempt, by how it ended on its worker (a `left` end of its own is the attempt's,
 * not a loss). Only the process that ran it can have stopped it or still list it: its lock expired while it was
 * alive, so Redis did not answer it in time; a process that is gone crashed or was cut off.
 */
export function lostAttemptMessage(worker: string, how: LostAttemptEnd['how']): string {
  if (how === 'gone') return workerLost(worker);
  const expired = `attempt lost: its job's lock in Redis expired while worker ${worker} ran it (Redis did not answer in time, or the worker was cut off from it)`;
  return how === 'unknown' ? `${expired}; the worker was told to stop it` : `${expired}; the worker stopped it`;
}

/** A left end the worker reached by itself (a result, or a failure of its own), not by the stop: the attempt's true end. */
export function endedOfItself(ended: LostAttemptEnd): LeftResult | undefined {
  return ended.how === 'left' && !('error' in ended.left && stoppedEnd(ended.left.error) === 'cancelled') ? ended.left : undefined;
}
