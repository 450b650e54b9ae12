import { Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { CANCEL_CHANNEL, cancelledKey } from './queue-names.js';

/**
 * Stops one job of a step the run no longer wants: its cancel mark stops it when a worker takes it,
 * the message stops it where it runs, and a job still queued is removed. Best effort: the mark holds
 * an hour whatever else fails.
 */
export async function cancelJob(queue: Queue, client: Redis, id: string): Promise<void> {
  try {
    await client.set(cancelledKey(id), '1', 'EX', 3600);
    await client.publish(CANCEL_CHANNEL, id);
    const job = await Job.fromId(queue, id);
    const state = await job?.getState();
    if (state === 'waiting' || state === 'delayed' || state === 'prioritized') await job!.remove().catch(() => {});
  } catch {
    // Best effort: the cancel key stops it when a worker takes it.
  }
}

/**
 * Before a resumed run (or `ksa cancel`) adds a job under an id its predecessor may have used
 * (ids are run.step.attempt, and a resume counts attempts from 1 again). A job still waiting,
 * running or done is left to be reattached: its result is the step's, and nothing runs twice.
 * One that failed — or was stopped, which marks it cancelled (cancelJob) — is removed with its
 * cancel mark: BullMQ ignores an add whose id exists, so the step would repeat the old failure
 * ("cancelled on worker web-1") instead of running again.
 */
export async function clearFailedJob(queue: Queue, client: Redis, id: string, attempt?: number): Promise<void> {
  const job = await Job.fromId<{ attempt?: number }>(queue, id);
  const state = job ? await job.getState() : undefined;
  // A rollback's id has no attempt: one of the step's earlier go (undone, then run again under later
  // attempts) is not this one's. (A step only cancelled since counts its attempts afresh: a lower number.)
  const earlier = job !== undefined && attempt !== undefined && job.data?.attempt !== undefined && job.data.attempt < attempt && state !== 'active';
  if (job && (state === 'failed' || earlier)) await job.remove();
  if (!job || state === 'failed' || earlier) await client.del(cancelledKey(id));
}
