import { Queue, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { attemptEnds } from '../../src/workers/attempt-ends.js';
import { cancelRunJobs } from '../../src/workers/cancel-run-jobs.js';
import { parseRedisUrl } from '../../src/workers/redis-connection.js';
import { runJobKeys } from '../../src/workers/run-job-keys.js';
import { startRedis } from '../helpers/redis-server.js';

// A run's jobs are found by what their keys hold (hashes), not by their names: a string of the jobs' key shape
// under a name ksa does not know yet must not make a cancel fail with Redis's WRONGTYPE.

describe("a run's job keys", () => {
  it('skip a string of the job key shape, whatever its name, and the cancel stops the run\'s job beside it', async () => {
    const redis = await startRedis();
    const target = parseRedisUrl(redis.url);
    const queue = new Queue('web', { connection: target.options as ConnectionOptions, prefix: 'ksa' });
    const client = new Redis(redis.url);
    try {
      await queue.add('step', {}, { jobId: 'r1.b.1' });
      await client.set('ksa:other:r1.x', 'a stray string');
      await client.set('ksa:left:r1.a.1', '{}');
      expect((await runJobKeys(client, 'r1')).map(({ queue: name, id }) => `${name}/${id}`)).toEqual(['web/r1.b.1']);
      const cancelled = await cancelRunJobs(target, 'r1', { waitMs: 0 });
      expect(cancelled).toEqual({ removed: ['r1.b.1'], stopped: [], stillRunning: [], gone: [] });
      expect(await client.get('ksa:other:r1.x')).toBe('a stray string');
    } finally {
      await queue.close();
      client.disconnect();
      await redis.cleanup();
    }
  }, 30_000);

  it('skip a hash of the job key shape that holds no job BullMQ can read, untouched: the run\'s jobs are still found and stopped', async () => {
    const redis = await startRedis();
    const target = parseRedisUrl(redis.url);
    const queue = new Queue('web', { connection: target.options as ConnectionOptions, prefix: 'ksa' });
    const client = new Redis(redis.url);
    try {
      await queue.add('step', {}, { jobId: 'r1.b.1' });
      await client.hset('ksa:other:r1.y', 'data', '{bad');
      await client.hset('ksa:web:r1.z', 'opts', 'x');
      // One at an attempt's own id, in another queue: what a resume or a cancel asks how it ended.
      await client.hset('ksa:gpu:r1.a.1', { data: '{}', opts: '{', finishedOn: '1' });
      expect(await attemptEnds(target, 'r1', new Map([['a', 1]]))).toEqual({ ends: new Map(), parts: new Map() });
      expect(await cancelRunJobs(target, 'r1', { waitMs: 0 })).toEqual({ removed: ['r1.b.1'], stopped: [], stillRunning: [], gone: [] });
      expect(await client.hgetall('ksa:other:r1.y')).toEqual({ data: '{bad' });
      expect(await client.hgetall('ksa:web:r1.z')).toEqual({ opts: 'x' });
      expect(await client.get('ksa:cancelled:r1.z')).toBeNull();
    } finally {
      await queue.close();
      client.disconnect();
      await redis.cleanup();
    }
  }, 30_000);
});
