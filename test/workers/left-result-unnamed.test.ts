import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolCall } from '../../src/planning/index.js';
import { parseRedisUrl } from '../../src/workers/redis-connection.js';
import { RemoteSteps } from '../../src/workers/remote-steps.js';
import { labelQueue, leftResultKey, PREFIX } from '../../src/workers/queue-names.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// A worker whose report of an attempt Redis refused (its lock gone) leaves the attempt's result beside the
// job. When its job then fails as stalled, or with no reason, before the coordinator learnt which worker
// took it (its active event not seen yet), that result is still the attempt's end: not "the worker gave no
// reason", nor a lost attempt.

let redis: TestRedis;
let client: Redis;
let connection: ConnectionOptions;
beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
  const url = new URL(redis.url);
  connection = { host: url.hostname, port: Number(url.port) };
}, 30_000);
afterAll(async () => {
  client?.disconnect();
  await redis?.cleanup();
});

/** Runs one step through RemoteSteps; a nameless BullMQ worker leaves `left` for its job and fails it with `reason`. */
async function runWithLeft(runId: string, left: object, reason: string): Promise<PromiseSettledResult<unknown>> {
  // No name: the job's active event names no worker, so the coordinator does not know who took it.
  const worker = new Worker(
    labelQueue(['gpu']),
    async (job: Job) => {
      await client.set(leftResultKey(job.id!), JSON.stringify(left));
      throw new Error(reason);
    },
    { connection, prefix: PREFIX },
  );
  const remote = new RemoteSteps({ target: parseRedisUrl(redis.url), runId, workerWaitMs: 20_000 });
  try {
    const call: ToolCall = { tool: 'shell', args: { command: 'echo trained' }, stepId: 'train', attempt: 1, phase: 'run', signal: new AbortController().signal, onOutput: () => {}, placement: { labels: ['gpu'], each: false } };
    const invoke = remote.invoker(() => Promise.reject(new Error('not run here')));
    return (await Promise.allSettled([invoke(call)]))[0]!;
  } finally {
    await worker.close();
    await remote.close();
  }
}

describe('workers: a result left by a worker the coordinator had not named yet', () => {
  it.each([
    ['with no reason', ''],
    ['as stalled', 'job stalled more than allowable limit'],
  ])('is the attempt\'s result when its job fails %s', async (_, reason) => {
    const settled = await runWithLeft(`r-${reason.length}`, { worker: 'gpu-1', output: { stdout: 'trained\n', stderr: '', exitCode: 0 } }, reason);
    expect(settled).toEqual({ status: 'fulfilled', value: { stdout: 'trained\n', stderr: '', exitCode: 0 } });
  }, 30_000);

  it('is the attempt\'s error when the worker left one', async () => {
    const settled = await runWithLeft('r-error', { worker: 'gpu-1', error: 'on worker gpu-1: exit code 3' }, '');
    expect(settled.status).toBe('rejected');
    expect(String((settled as PromiseRejectedResult).reason.message)).toBe('on worker gpu-1: exit code 3');
  }, 30_000);
});
