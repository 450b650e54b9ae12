import { Redis } from 'ioredis';
import { jobId } from './queue-names.js';
import type { RedisTarget } from './redis-connection.js';
import { runJobKeys } from './run-job-keys.js';
import { ranBeforeFailing } from './stopped-job.js';

/**
 * For each attempt (`stepId` → attempt number) whose job Redis still has, under whichever queue, the worker
 * that took it, or null when none did (still queued). An attempt with no job there is left out: nothing is
 * known of it. A fan-out's attempt is one job per worker (`<run>.<step>.<attempt>.<worker>`): its takers are
 * named as a fan-out's are, comma-separated in name order, and it is null when none took its part.
 */
export async function attemptTakers(target: RedisTarget, runId: string, attempts: ReadonlyMap<string, number>): Promise<Map<string, string | null>> {
  const takers = new Map<string, Set<string>>();
  if (attempts.size === 0) return new Map();
  const wanted = new Map([...attempts].map(([stepId, attempt]) => [jobId({ runId, stepId, attempt, phase: 'run' }), stepId]));
  const client = new Redis({ ...target.options, lazyConnect: true });
  client.on('error', () => {});
  try {
    await client.connect();
    for (const { id, key } of await runJobKeys(client, runId)) {
      // Run and step ids hold no '.', worker names may: a part's id is its attempt's, then '.', then its worker.
      const stepId = wanted.get(id.split('.').slice(0, 3).join('.'));
      if (stepId === undefined || (await client.type(key)) !== 'hash') continue;
      const found = takers.get(stepId) ?? new Set<string>();
      takers.set(stepId, found);
      // BullMQ keeps the name of the worker that took a job in its `pb` field; one that refused it unrun
      // (its cancel mark, or a part its stopping worker gave back) did not run it there.
      const [worker, failedReason] = await client.hmget(key, 'pb', 'failedReason');
      if (worker && ranBeforeFailing(failedReason ?? undefined)) found.add(worker);
    }
    return new Map([...takers].map(([stepId, found]) => [stepId, found.size > 0 ? [...found].sort((a, b) => a.localeCompare(b)).join(',') : null]));
  } finally {
    client.disconnect();
  }
}
