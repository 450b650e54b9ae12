import { Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Outstanding } from './outstanding-job.js';
import type { StepJobData, StepJobResult } from './queue-names.js';
import type { RedisSilence } from './redis-silence.js';
import { requeueVanished } from './vanished-job.js';

/** What the sweep reads with and reports to: the coordinator's connection, queues and verdicts. */
export type SweepContext = {
  readonly client: Redis;
  readonly queue: (name: string) => Queue;
  /** A lock that expired while Redis did not answer says nothing of its worker. */
  readonly silence: RedisSilence;
  readonly waitMs: number;
  readonly showWaiting: (entry: Outstanding) => Promise<void>;
  /** Fails a step no worker took within --worker-wait. */
  readonly giveUp: (entry: Outstanding, job: Job<StepJobData, StepJobResult>) => Promise<void>;
};

/**
 * Jobs Redis no longer has (restarted without persistence) are lost
 * attempts, or queued again if no worker had taken them; so are running jobs whose lock expired (their worker died), which
 * BullMQ only notices when another worker listens to the same queue, and
 * none does to a fan-out's or to a lone worker's; steps nobody takes time
 * out; a finish whose event was missed is taken from the job. One pipelined
 * look at a few fields of every outstanding job; the whole job is read only
 * for those that need it.
 */
export async function sweepJobs(entries: readonly Outstanding[], { client, queue, silence, waitMs, showWaiting, giveUp }: SweepContext): Promise<void> {
  const pipeline = client.pipeline();
  for (const entry of entries) {
    const key = queue(entry.queue).toKey(entry.id);
    pipeline.hmget(key, 'name', 'finishedOn', 'pb', 'processedOn');
    pipeline.exists(`${key}:lock`);
  }
  const replies = (await silence.timed(pipeline.exec())) ?? [];
  for (const [i, entry] of entries.entries()) {
    const [error, fields] = replies[2 * i] ?? [null, null];
    const [, locked] = replies[2 * i + 1] ?? [null, 1];
    if (error || !Array.isArray(fields)) continue;
    const [name, finishedOn, worker, processedOn] = fields as (string | null)[];
    if (name === null) {
      requeueVanished(entry);
      continue;
    }
    if (worker && finishedOn === null) {
      entry.active(worker, processedOn === null ? undefined : Number(processedOn));
      if (locked !== 0) continue;
    } else if (finishedOn === null) {
      // Said here too: a worker lost a moment ago may still have looked live when the job was added.
      await showWaiting(entry);
      if (Date.now() - entry.waitingSince <= waitMs) continue;
    }
    const job = await Job.fromId<StepJobData, StepJobResult>(queue(entry.queue), entry.id);
    if (!job) continue;
    const state = await entry.fromJob(job);
    // An expired lock cannot be renewed: the job can no longer finish, whatever its worker still does.
    if (state === 'active' && worker && locked === 0 && !(await client.exists(`${queue(entry.queue).toKey(entry.id)}:lock`))) {
      entry.workerLost(worker);
      continue;
    }
    if ((state === 'waiting' || state === 'prioritized') && Date.now() - entry.waitingSince > waitMs) await giveUp(entry, job);
  }
}
