import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearFailedJob } from '../../src/workers/job-cancel.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// A resumed run adds its jobs under ids its predecessor may have used. A rollback's id names no
// attempt: the job of a step's earlier go (undone, then run again) must not stand in for this one's.

let redis: TestRedis;
let client: Redis;
let queue: Queue;
let connection: ConnectionOptions;
beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
  const url = new URL(redis.url);
  connection = { host: url.hostname, port: Number(url.port) };
  queue = new Queue('worker-box', { connection, prefix: 'ksa' });
  const worker = new Worker('worker-box', async () => null, { connection, prefix: 'ksa' });
  const done = (id: string) => new Promise<void>((resolve) => worker.on('completed', (job) => job.id === id && resolve()));
  await Promise.all([done('r.app.rollback.box'), done('r.db.rollback.box'), queue.add('shell', { attempt: 1 }, { jobId: 'r.app.rollback.box' }), queue.add('shell', { attempt: 2 }, { jobId: 'r.db.rollback.box' })]);
  await worker.close();
});
afterAll(async () => {
  await queue?.close();
  client?.disconnect();
  await redis?.cleanup();
});

describe('clearFailedJob before a resumed run adds a job', () => {
  it('removes a finished rollback of an earlier attempt of the step', async () => {
    await clearFailedJob(queue, client, 'r.app.rollback.box', 2);
    expect(await queue.getJob('r.app.rollback.box')).toBeUndefined();
  });

  it('keeps a finished rollback of this attempt, or of a step whose attempts count afresh (cancelled since): its result is the one to collect', async () => {
    await clearFailedJob(queue, client, 'r.db.rollback.box', 2);
    await clearFailedJob(queue, client, 'r.db.rollback.box', 0);
    expect(await (await queue.getJob('r.db.rollback.box'))?.getState()).toBe('completed');
  });
});
