import { Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { PREFIX } from './queue-names.js';

export type RunJobKey = { readonly queue: string; readonly id: string; readonly key: string };

/**
 * The run's job hashes, `ksa:<queue>:<runId>.<step>.<attempt>[.<worker>]`: neither queue names nor job ids
 * contain ':', so three parts exactly (a job's `:lock` and `:logs` keys have four). Other keys of that shape
 * (the cancel marks `ksa:cancelled:<job id>`, the left results `ksa:left:<job id>`, any added later) are no
 * jobs: read as one, a string fails with Redis's WRONGTYPE. So a key counts by what it holds, a hash, not by
 * its name (SCAN's TYPE filter needs Redis 6, older servers are still served: each key's TYPE is asked).
 */
export async function runJobKeys(client: Redis, runId: string): Promise<RunJobKey[]> {
  const found: RunJobKey[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${PREFIX}:*:${runId.replace(/[*?[\]\\]/g, '\\$&')}.*`, 'COUNT', 1000);
    cursor = next;
    const named = keys.map((key) => ({ key, parts: key.split(':') })).filter(({ parts }) => parts.length === 3 && parts[2]!.startsWith(`${runId}.`));
    if (named.length === 0) continue;
    const pipeline = client.pipeline();
    for (const { key } of named) pipeline.type(key);
    const types = (await pipeline.exec()) ?? [];
    named.forEach(({ key, parts }, index) => {
      const [error, type] = types[index] ?? [];
      if (!error && type === 'hash') found.push({ queue: parts[1]!, id: parts[2]!, key });
    });
  } while (cursor !== '0');
  return found;
}

/**
 * The job `id` of `queue` as BullMQ reads it, undefined when there is none, or when its hash is no job BullMQ can
 * read (its data or opts no JSON: a hash of the key shape some other program wrote). Such a hash is left as it is:
 * it is nothing ksa queued, and failing on it would leave the run's real jobs beside it unstopped. A failure of
 * Redis itself is no such hash: the hash read again through `client` fails too, and the first error is thrown.
 */
export async function readableJob<Data, Result>(queue: Queue, client: Redis, id: string): Promise<Job<Data, Result> | undefined> {
  try {
    return await Job.fromId<Data, Result>(queue, id);
  } catch (error) {
    await client.hgetall(queue.toKey(id)).catch(() => {
      throw error;
    });
    return undefined;
  }
}
