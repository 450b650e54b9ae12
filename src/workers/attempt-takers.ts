import { Redis } from 'ioredis';
import { jobId, PREFIX } from './queue-names.js';
import type { RedisTarget } from './redis-connection.js';

/**
 * For each attempt (`stepId` → attempt number) whose job Redis still has, under whichever queue, the worker
 * that took it, or null when none did (still queued). An attempt with no job there is left out: nothing is
 * known of it. Fan-outs' jobs (one per worker, their ids end with its name) are not looked for.
 */
export async function attemptTakers(target: RedisTarget, runId: string, attempts: ReadonlyMap<string, number>): Promise<Map<string, string | null>> {
  const found = new Map<string, string | null>();
  if (attempts.size === 0) return found;
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
        const stepId = parts.length === 3 ? wanted.get(parts[2]!) : undefined;
        if (stepId === undefined || (await client.type(key)) !== 'hash') continue;
        // BullMQ keeps the name of the worker that took a job in its `pb` field; a taker found wins.
        found.set(stepId, (await client.hget(key, 'pb')) || found.get(stepId) || null);
      }
    } while (cursor !== '0');
    return found;
  } finally {
    client.disconnect();
  }
}
