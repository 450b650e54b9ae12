import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { leftResult } from './left-results.js';
import { endedOfItself, stopLostAttempt } from './lost-attempt-stop.js';
import { STALLED } from './step-messages.js';
import { HANDED_BACK } from './stopped-job.js';
import { workerGone } from './worker-gone.js';

/**
 * Why the job of an attempt a stopped run had sent to a worker was lost while no ksa watched it, or undefined
 * when it was not: its worker died (or was stopped at once, or cut off) after the run's process had died. Nobody
 * saw that attempt fail: it was cut short with the whole run, and a resume runs it again under its number, as a
 * local run's interrupted attempt; only a loss a live coordinator sees is a failed attempt. A job still running on
 * a live worker, and what a worker left of an attempt it ran to its end, are not lost: they are the attempt's.
 */
export async function lostUnwatched(client: Redis, queue: Queue, job: Job<{ attempt?: number }>, state: string | undefined): Promise<string | undefined> {
  if (state !== 'failed' && state !== 'waiting' && state !== 'prioritized' && state !== 'active') return undefined;
  const id = job.id!;
  const worker = job.processedBy;
  const left = await leftResult(client, id);
  if (left && endedOfItself({ how: 'left', left })) return undefined;
  const said = (why: string) => `this attempt was cut short with the run: ${why} while no ksa watched it; it runs again`;
  const reason = job.failedReason ?? '';
  // Failed as stalled by the next worker to take it, which BullMQ then names: not the one that lost it.
  if (state === 'failed' && STALLED.test(reason)) return said('its worker stopped answering (crashed or cut off)');
  if (state === 'failed') return reason.startsWith(HANDED_BACK) ? said(reason.slice(HANDED_BACK.length).replace(/^:\s*/, '')) : undefined;
  // BullMQ's stall check puts a job whose worker died back in the queue, to be failed by the next worker taking it.
  if (state === 'waiting' || state === 'prioritized') return (await client.hget(queue.toKey(id), 'defa')) !== null ? said('its worker stopped answering (crashed or cut off)') : undefined;
  if (!worker) return undefined;
  const gone = await workerGone(client, worker, job.processedOn);
  if (gone !== undefined) return said(`worker ${worker} is gone (${gone})`);
  // A lock nothing renewed: its worker may be cut off from Redis, and is told to stop it before it runs again elsewhere.
  if ((await client.exists(`${queue.toKey(id)}:lock`)) !== 0) return undefined;
  const ended = await stopLostAttempt(client, id, worker, { takenAt: job.processedOn });
  if (ended.how === 'unknown' || endedOfItself(ended)) return undefined;
  return said(`worker ${worker} was cut off from Redis (its job's lock expired, and it stopped the attempt)`);
}
