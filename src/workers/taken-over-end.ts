import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { scrubJob } from './job-scrub.js';
import { cancelledKey } from './queue-names.js';
import { readableJob, runJobKeys } from './run-job-keys.js';

/** A job no worker has taken yet: at the run's end, one a worker could still take. */
const QUEUED: ReadonlySet<string> = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);

/**
 * The end of a run taken over (ksa resume, ksa cancel) for every job of the run, whoever added it: its predecessor
 * may have died with a worker before either could end its jobs. One still queued (a fan-out's part waiting for a
 * dead worker, which a restart would run for a run that has ended) is removed, its cancel mark set first: a worker
 * taking it meanwhile refuses it. What stays, for its result or still running, has its secrets taken out.
 * `answered` is told as Redis answers. Fails when Redis does.
 */
export async function endTakenOverJobs(client: Redis, runId: string, queue: (name: string) => Queue, answered: () => void): Promise<void> {
  const jobs = await runJobKeys(client, runId, answered);
  answered();
  await Promise.all(jobs.map(async ({ queue: name, id, key }) => {
    if (await removedQueued(client, queue(name), id)) return;
    await scrubJob(client, key);
    answered();
  }));
}

/** Whether the job was still queued and is removed now; a worker holding it (a lock) keeps it. */
async function removedQueued(client: Redis, queue: Queue, id: string): Promise<boolean> {
  const job = await readableJob(queue, client, id);
  if (!job || !QUEUED.has(await job.getState())) return false;
  await client.set(cancelledKey(id), '1', 'EX', 3600);
  return job.remove().then(() => true, () => false);
}
