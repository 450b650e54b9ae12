import { Redis } from 'ioredis';
import { jobId, PREFIX } from './queue-names.js';
import type { RedisTarget } from './redis-connection.js';
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
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${PREFIX}:*:${runId.replace(/[*?[\]\\]/g, '\\$&')}.*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        // A job's hash is ksa:<queue>:<id>; its :lock and :logs keys, and the cancel marks, are not jobs.
        const parts = key.split(':');
        // Run and step ids hold no '.', worker names may: a part's id is its attempt's, then '.', then its worker.
        const stepId = parts.length === 3 ? wanted.get(parts[2]!.split('.').slice(0, 3).join('.')) : undefined;
        if (stepId === undefined || (await client.type(key)) !== 'hash') continue;
        const found = takers.get(stepId) ?? new Set<string>();
        takers.set(stepId, found);
        // BullMQ keeps the name of the worker that took a job in its `pb` field; one that refused it unrun
        // (its cancel mark, or a part its stopping worker gave back) did not run it there.
        const [worker, failedReason] = await client.hmget(key, 'pb', 'failedReason');
        if (worker && ranBeforeFailing(failedReason ?? undefined)) found.add(worker);
      }
    } while (cursor !== '0');
    return new Map([...takers].map(([stepId, found]) => [stepId, found.size > 0 ? [...found].sort((a, b) => a.localeCompare(b)).join(',') : null]));
  } finally {
    client.disconnect();
  }
}
