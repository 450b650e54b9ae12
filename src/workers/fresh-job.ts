import { Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { cancelledKey } from './queue-names.js';

/**
 * Before a resumed run (or `ksa cancel`) adds a job under an id its predecessor may have used
 * (ids are run.step.attempt, and a resume counts attempts from 1 again). A job still waiting,
 * running or done is left to be reattached: its result is the step's, and nothing runs twice.
 * One that failed — or was stopped, which marks it cancelled — is removed with its cancel
 * mark: BullMQ ignores an add whose id exists, so the step would repeat the old failure
 * ("cancelled on worker web-1") instead of running again.
 */
export async function clearFailedJob(queue: Queue, client: Redis, id: string): Promise<void> {
  const job = await Job.fromId(queue, id);
  const state = job ? await job.getState() : undefined;
  if (job && state === 'failed') await job.remove();
  if (!job || state === 'failed') await client.del(cancelledKey(id));
}
