import { Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { lostUnwatched } from './orphaned-attempt.js';
import { workerGone } from './worker-gone.js';
import { CANCEL_CHANNEL, cancelledKey, leftResultKey, outputKey } from './queue-names.js';

/**
 * Stops one job of a step the run no longer wants: its cancel mark stops it when a worker takes it,
 * the message stops it where it runs, and a job still queued is removed. Best effort: the mark holds
 * an hour whatever else fails. Resolves to whether a worker may still be running it.
 */
export async function cancelJob(queue: Queue, client: Redis, id: string): Promise<{ running: boolean; ended?: Job }> {
  try {
    await client.set(cancelledKey(id), '1', 'EX', 3600);
    await client.publish(CANCEL_CHANNEL, id);
    const job = await Job.fromId(queue, id);
    const state = await job?.getState();
    // A worker that took it meanwhile holds its lock, and removing it fails: that worker says how it ended (the mark stops it).
    if (state === 'waiting' || state === 'delayed' || state === 'prioritized') return { running: !(await job!.remove().then(() => true, () => false)) };
    // Ended before the cancel reached it (its worker ran it to its end): its result is the attempt's.
    if (state === 'completed' || state === 'failed') return { running: false, ended: job };
    return { running: state === 'active' };
  } catch {
    // Best effort: the cancel key stops it when a worker takes it.
    return { running: false };
  }
}

// How long an aborted attempt waits for its worker to stop it (the run waits 5 s at most anyway).
const STOP_WAIT_MS = 10_000;

/**
 * cancelJob, then `stopped` once the job is no longer running anywhere: at once when no worker had it, else
 * when its worker ends it (the caller's job events say how first) or after `waitMs`. A job that had ended
 * already goes to `ended`: how it ended there is the attempt's end.
 */
export function stopJob(queue: Queue, client: Redis, id: string, { stopped, ended }: { stopped: () => void; ended: (job: Job) => void }, waitMs = STOP_WAIT_MS): void {
  void cancelJob(queue, client, id).then((cancel) => (cancel.ended ? ended(cancel.ended) : cancel.running ? void setTimeout(stopped, waitMs).unref() : stopped()));
}

/**
 * Before a resumed run (or `ksa cancel`) adds a job under an id its predecessor may have used
 * (ids are run.step.attempt, and a resume counts attempts from 1 again). A job still waiting,
 * running or done is left to be reattached: its result is the step's, and nothing runs twice.
 * One that failed — or was stopped, which marks it cancelled (cancelJob) — is removed with its
 * cancel mark: BullMQ ignores an add whose id exists, so the step would repeat the old failure
 * ("cancelled on worker web-1") instead of running again. Except the attempt the stopped run was in
 * the middle of (`cutShort`): failing on its own while no ksa watched is how that attempt ended, and
 * its failure is kept for the retry policy to judge; only one the run had stopped runs again. A step's
 * attempt (`run`, not a rollback) lost with its worker while no ksa watched (lostUnwatched) runs again too,
 * whether its run had recorded it or died first: resolves to why, for the step's log.
 */
export async function clearFailedJob(queue: Queue, client: Redis, id: string, attempt?: number, { cutShort = false, run = false }: { cutShort?: boolean; run?: boolean } = {}): Promise<string | undefined> {
  const job = await Job.fromId<{ attempt?: number }>(queue, id);
  const state = job ? await job.getState() : undefined;
  const lost = job && run ? await lostUnwatched(client, queue, job, state) : undefined;
  const stale = lost !== undefined || (state === 'failed' && !(cutShort && (await client.exists(cancelledKey(id))) === 0));
  // A rollback's id has no attempt: one of the step's earlier go (undone, then run again under later
  // attempts) is not this one's. (A step only cancelled since counts its attempts afresh: a lower number.)
  const earlier = job !== undefined && attempt !== undefined && job.data?.attempt !== undefined && job.data.attempt < attempt && state !== 'active';
  if (job && (stale || earlier)) await (lost === undefined ? job.remove() : removeLost(client, queue, job));
  // Its output and what its stop left belong to the lost run of the attempt, not to the one about to start.
  if (lost !== undefined) await client.del(outputKey(id), leftResultKey(id));
  if (!job || stale || earlier) await client.del(cancelledKey(id));
  return lost;
}

/**
 * A lost job a live worker may hold an instant (it takes it from the queue to fail it as stalled): removed once it let
 * go. A lock its holder left when it died (5 s by default) is the gone worker's, checked again now: it is taken away,
 * not waited out, so a resume at once after the kill -9 runs the attempt again as one later does.
 */
async function removeLost(client: Redis, queue: Queue, job: Job): Promise<void> {
  for (let tries = 1; ; tries++) {
    try {
      return await job.remove();
    } catch (error) {
      if (tries >= 5) throw error;
      if (await heldByGoneWorker(client, queue, job.id!)) await client.del(`${queue.toKey(job.id!)}:lock`);
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Whether the job's lock is there and the worker that took it last (the lock's holder: both are set as it takes it) is gone. */
async function heldByGoneWorker(client: Redis, queue: Queue, id: string): Promise<boolean> {
  const [locked, job] = await Promise.all([client.exists(`${queue.toKey(id)}:lock`), Job.fromId(queue, id)]);
  if (locked === 0 || !job?.processedBy) return false;
  return (await workerGone(client, job.processedBy, job.processedOn)) !== undefined;
}
