import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../helpers/cli.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

vi.mock('../helpers/cli.js', async (original) => {
  const actual = await original<typeof import('../helpers/cli.js')>();
  return { ...actual, freePort: vi.fn(actual.freePort) };
});

// Test files run in parallel, each starting redis-servers on ports that were free a moment ago: two of
// them can be handed the same port, and the one that loses the race must not take the other's server
// for its own (its workers would then meet the other file's workers of the same name).
const started: TestRedis[] = [];
afterAll(async () => {
  await Promise.all(started.map((redis) => redis.cleanup()));
});

describe('the tests\' redis-server', () => {
  it('handed a port another test\'s server holds, starts its own on another port', async () => {
    const first = await startRedis();
    started.push(first);
    vi.mocked(freePort).mockResolvedValueOnce(first.port);
    const second = await startRedis();
    started.push(second);
    expect(second.port).not.toBe(first.port);
    const [a, b] = [new Redis(first.url), new Redis(second.url)];
    try {
      await b.set('mine', 'second');
      expect(await a.get('mine')).toBeNull();
      expect(await b.get('mine')).toBe('second');
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });
});
