import { Queue, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { CANCEL_CHANNEL, cancelledKey, PREFIX } from './queue-names.js';
import type { RedisTarget } from './redis-connection.js';
import { readableJob, runJobKeys } from './run-job-keys.js';
import { settledWithin } from './settled-within.js';
import { jobRunsNowhere } from './worker-gone.js';

export type CancelledJobs = {
  /** Jobs no worker had taken yet: removed from their queues. */
  readonly removed: readonly string[];
  /** Jobs a worker was running, by worker: asked to stop (their process trees are killed there). */
  readonly stopped: readonly { readonly id: string; readonly worker: string }[];
  /** Of those, the ones still running when the wait ended (their worker may be gone: they never finish). */
  readonly stillRunning: readonly string[];
  /** Jobs marked running whose worker is gone (`why`, as workerGone says it): nothing runs them there any more; not waited for. */
  readonly gone: readonly { readonly id: string; readonly worker: string; readonly why: string }[];
};

const QUEUED = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);
const POLL_MS = 200;
const CLOSE_GRACE_MS = 2000;

/**
 * The coordinator's cancel, for a run whose coordinator is gone: every job of
 * the run still in Redis is found by its id (`<runId>.…`), queued ones are
 * removed, running ones get the cancel message their worker acts on, and all
 * get the cancelled key, so a worker that takes one later refuses it. Waits
 * up to `waitMs` for the running ones to end, so that rollbacks do not run
 * beside them; not for those whose worker is gone (`gone`).
 */
export async function cancelRunJobs(target: RedisTarget, runId: string, { waitMs = 10_000, only }: { waitMs?: number; only?: (id: string) => boolean } = {}): Promise<CancelledJobs> {
  const client = new Redis({ ...target.options, lazyConnect: true });
  client.on('error', () => {});
  const queues = new Map<string, Queue>();
  const queue = (name: string) => {
    let opened = queues.get(name);
    if (!opened) {
      opened = new Queue(name, { connection: target.options as ConnectionOptions, prefix: PREFIX });
      opened.on('error', () => {});
      queues.set(name, opened);
    }
    return opened;
  };
  try {
    await client.connect();
    const removed: string[] = [];
    const stopped: { id: string; worker: string; key: string }[] = [];
    const gone: { id: string; worker: string; why: string }[] = [];
    for (const { queue: name, id } of await runJobKeys(client, runId)) {
      if (only && !only(id)) continue;
      const job = await readableJob(queue(name), client, id);
      if (!job) continue;
      const state = await job.getState();
      if (!QUEUED.has(state) && state !== 'active') continue;
      await client.set(cancelledKey(id), '1', 'EX', 3600);
      if (state === 'active') {
        await client.publish(CANCEL_CHANNEL, id);
        const running = { id, worker: job.processedBy ?? '?', key: queue(name).toKey(id) };
        // A worker that is gone neither hears the message nor ends the job: waiting for it would only delay the rollback.
        const why = await jobRunsNowhere(client, running.worker, running.key, job.processedOn);
        if (why === undefined) stopped.push(running);
        else gone.push({ id, worker: running.worker, why });
      } else if (await job.remove().then(() => true, () => false)) {
        removed.push(id);
      }
    }
    const stillRunning = await untilEnded(client, stopped, waitMs);
    return { removed, stopped: stopped.map(({ id, worker }) => ({ id, worker })), stillRunning, gone };
  } finally {
    const closing = Promise.all([...queues.values()].map((each) => each.close().catch(() => {})));
    if (!(await settledWithin(closing, CLOSE_GRACE_MS))) for (const each of queues.values()) void each.disconnect().catch(() => {});
    client.disconnect();
  }
}

/** Waits for the stopped jobs to finish; one whose lock expired has no worker left to finish it. */
async function untilEnded(client: Redis, jobs: readonly { id: string; key: string }[], waitMs: number): Promise<string[]> {
  const deadline = Date.now() + waitMs;
  let running = [...jobs];
  while (running.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const still: typeof running = [];
    for (const job of running) {
      const [finishedOn, locked] = await Promise.all([client.hget(job.key, 'finishedOn'), client.exists(`${job.key}:lock`)]);
      if (finishedOn === null && locked === 1) still.push(job);
    }
    running = still;
  }
  return running.map((job) => job.id);
}
