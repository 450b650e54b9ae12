import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lostAttemptMessage, stopLostAttempt } from '../../src/workers/lost-attempt-stop.js';
import { cancelledKey } from '../../src/workers/queue-names.js';
import { redisNow } from '../../src/workers/redis-clock.js';
import { eventually } from '../helpers/cli.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// An attempt whose job's lock expired is stopped on its worker before its retry starts. The name's heartbeat
// speaks for the attempt only while it is the heartbeat of the process that took the job: a worker killed with
// kill -9 and restarted at once under its --name is another process, and the attempt died with the first one.

let redis: TestRedis;
let client: Redis;
beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
});
afterAll(async () => {
  client?.disconnect();
  await redis?.cleanup();
});

async function register(startedAt: number, running: string[]): Promise<void> {
  const lastSeen = new Date(await redisNow(client)).toISOString();
  await client.hset('ksa:workers', 'la', JSON.stringify({ name: 'la', labels: ['lost'], host: hostname(), pid: 1, concurrency: 1, running, startedAt: new Date(startedAt).toISOString(), lastSeen }));
}

describe('stopLostAttempt: whose heartbeat says the lost attempt was stopped', () => {
  it('a process under the same name started after the job was taken: the one that ran it is gone (crashed), not a lock that expired', async () => {
    const takenAt = Date.now() - 8000;
    const jobId = 'restarted.long.1';
    // The name's process now: started after the job was taken (its heartbeat lists nothing).
    await register(takenAt + 7000, []);
    const ended = await stopLostAttempt(client, jobId, 'la', { takenAt, boundMs: 3000 });
    expect(ended).toEqual({ how: 'gone' });
    expect(lostAttemptMessage('la', ended.how)).toBe('attempt lost: worker la stopped answering (crashed or cut off)');
  });

  it('the process that took the job, whose heartbeat after the stop no longer lists it: it stopped it there (its lock expired while it ran)', async () => {
    const takenAt = Date.now() - 8000;
    const jobId = 'stalled.long.1';
    await register(takenAt - 60_000, [jobId]);
    const stopping = stopLostAttempt(client, jobId, 'la', { takenAt, boundMs: 5000 });
    await eventually(async () => ((await client.exists(cancelledKey(jobId))) === 1 ? true : undefined), 5000, 20);
    // Its next heartbeat, once it heard the stop.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await register(takenAt - 60_000, []);
    const ended = await stopping;
    expect(ended).toEqual({ how: 'stopped' });
    expect(lostAttemptMessage('la', ended.how)).toMatch(/^attempt lost: its job's lock in Redis expired while worker la ran it .*; the worker stopped it$/);
  });
});
