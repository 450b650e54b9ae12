import type { Redis } from 'ioredis';
import { PREFIX } from './queue-names.js';

export type RunJobKey = { readonly queue: string; readonly id: string; readonly key: string };

/**
 * The run's job hashes, `ksa:<queue>:<runId>.<step>.<attempt>[.<worker>]`: neither queue names nor job ids
 * contain ':', so three parts exactly (a job's `:lock` and `:logs` keys have four). The cancel marks
 * (`ksa:cancelled:<job id>`) and left results (`ksa:left:<job id>`) of its jobs have that shape too but are
 * strings, not jobs: read as one, they fail with Redis's WRONGTYPE.
 */
export async function runJobKeys(client: Redis, runId: string): Promise<RunJobKey[]> {
  const found: RunJobKey[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${PREFIX}:*:${runId.replace(/[*?[\]\\]/g, '\\$&')}.*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const parts = key.split(':');
      if (parts.length === 3 && parts[2]!.startsWith(`${runId}.`) && parts[1] !== 'cancelled' && parts[1] !== 'left') found.push({ queue: parts[1]!, id: parts[2]!, key });
    }
  } while (cursor !== '0');
  return found;
}
