import type { Redis } from 'ioredis';

/** Every key of the Redis, and whether any value it holds (hash fields, strings, lists, sets, streams) includes `needle`. */
export async function keysHolding(client: Redis, needles: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const key of await client.keys('*')) {
    const type = await client.type(key);
    const values =
      type === 'hash' ? [...Object.entries(await client.hgetall(key)).flat()]
      : type === 'string' ? [(await client.get(key)) ?? '']
      : type === 'stream' ? (await client.xrange(key, '-', '+')).flatMap(([, fields]) => fields)
      : type === 'list' ? await client.lrange(key, 0, -1)
      : type === 'set' ? await client.smembers(key)
      : type === 'zset' ? await client.zrange(key, '0', '-1')
      : [];
    if (values.some((value) => needles.some((needle) => value.includes(needle)))) found.push(key);
  }
  return found;
}
