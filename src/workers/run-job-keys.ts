import { Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { PREFIX } from './queue-names.js';

export type RunJobKey = { readonly queue: string; readonly id: string; readonly key: string };

/**
 * Where a run's coordinator lists every job it adds (`<queue>:<id>`), before adding it: a run's jobs are then
 * found in one read, whatever else Redis holds (a scan of millions of keys takes seconds). No job id holds ':'.
 */
export const runIndexKey = (runId: string) => `${PREFIX}:run-jobs:${runId}`;
/** In the index of a run whose coordinator listed all its jobs from its start: one an older ksa began lists only some. */
const COMPLETE = 'complete';
/** Longer than a finished job is kept (a day): an index gone before its jobs leaves them to the scan. */
const INDEX_TTL_S = 7 * 24 * 3600;

/**
 * Opens the index of a run this coordinator begins, complete while it lists no job: a takeover of a run killed before
 * it sent one reads nothing more. Best effort: without it, the run's jobs are found by a scan.
 */
export function beginRunIndex(client: Redis, runId: string): void {
  void Promise.all([client.sadd(runIndexKey(runId), COMPLETE), client.expire(runIndexKey(runId), INDEX_TTL_S)]).catch(() => {});
}

/** Lists a job in its run's index (`fresh`: a run begun by this coordinator, whose every job is listed). Fails when Redis does. */
export async function indexJob(client: Redis, runId: string, queue: string, id: string, fresh: boolean): Promise<void> {
  const key = runIndexKey(runId);
  await Promise.all([client.sadd(key, ...(fresh ? [COMPLETE] : []), `${queue}:${id}`), client.expire(key, INDEX_TTL_S)]);
}

/**
 * The run's job hashes, `ksa:<queue>:<runId>.<step>.<attempt>[.<worker>]`, from its index; a run without a complete
 * one (begun by an older ksa, or its index expired) by a scan of Redis's keys, `answered` told after each of its
 * pages (a long scan is no silent Redis). A key counts by what it holds, a hash, not by its name (see hashesOf).
 */
export async function runJobKeys(client: Redis, runId: string, answered: () => void = () => {}): Promise<RunJobKey[]> {
  const listed = await client.smembers(runIndexKey(runId));
  if (!listed.includes(COMPLETE)) return scannedJobKeys(client, runId, answered);
  const named = listed.filter((member) => member !== COMPLETE).map((member) => ({ key: `${PREFIX}:${member}`, parts: [PREFIX, ...member.split(':')] }));
  return hashesOf(client, named.filter(({ parts }) => parts.length === 3 && parts[2]!.startsWith(`${runId}.`)));
}

/** runJobKeys by a scan: neither queue names nor job ids contain ':', so three parts exactly (a job's `:lock` and `:logs` keys have four). */
async function scannedJobKeys(client: Redis, runId: string, answered: () => void): Promise<RunJobKey[]> {
  const found: RunJobKey[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${PREFIX}:*:${runId.replace(/[*?[\]\\]/g, '\\$&')}.*`, 'COUNT', 1000);
    answered();
    cursor = next;
    const named = keys.map((key) => ({ key, parts: key.split(':') })).filter(({ parts }) => parts.length === 3 && parts[2]!.startsWith(`${runId}.`));
    if (named.length > 0) found.push(...(await hashesOf(client, named)));
  } while (cursor !== '0');
  return found;
}

/**
 * Of keys of a job's shape, the hashes. Other keys of that shape (the cancel marks `ksa:cancelled:<job id>`, the
 * left results `ksa:left:<job id>`, any added later) are no jobs: read as one, a string fails with Redis's
 * WRONGTYPE. (SCAN's TYPE filter needs Redis 6, older servers are still served: each key's TYPE is asked.)
 */
async function hashesOf(client: Redis, named: readonly { key: string; parts: readonly string[] }[]): Promise<RunJobKey[]> {
  if (named.length === 0) return [];
  const pipeline = client.pipeline();
  for (const { key } of named) pipeline.type(key);
  const types = (await pipeline.exec()) ?? [];
  return named.flatMap(({ key, parts }, index) => {
    const [error, type] = types[index] ?? [];
    return !error && type === 'hash' ? [{ queue: parts[1]!, id: parts[2]!, key }] : [];
  });
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
