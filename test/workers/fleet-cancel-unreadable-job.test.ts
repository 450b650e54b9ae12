import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Queue, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialRunState, PlanSchema } from '../../src/planning/index.js';
import { RunStore } from '../../src/store/index.js';
import { parseRedisUrl } from '../../src/workers/redis-connection.js';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';
import { ksaJson, type StatusDoc } from '../helpers/durable.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// A hash under a run's job key shape that holds no job BullMQ can read (another program's, or a damaged one)
// is skipped by ksa cancel and left as it is: the cancel stops the run's real jobs and marks it cancelled.

let box: CliSandbox;
let redis: TestRedis;
beforeAll(async () => {
  box = await createCliSandbox('ksa-fleet-cancel-unreadable-');
  redis = await startRedis();
});
afterAll(async () => {
  await redis.cleanup();
  await box.cleanup();
});

describe('ksa cancel --redis of a run beside hashes of its job key shape that hold no job', () => {
  it('skips them, untouched, and removes the run\'s queued job', async () => {
    const runId = 'unreadable';
    const dir = path.join(box.dir, runId);
    await mkdir(dir, { recursive: true });
    const plan = PlanSchema.parse({ goal: 'Unreadable', steps: [{ id: 'mark', tool: 'shell', args: { command: 'touch marked' } }] });
    const run = await new RunStore(box.home).create({ runId, goal: plan.goal, createdAt: new Date().toISOString(), workspace: dir, plan, inputs: {}, allowedEnv: [], redis: redis.url, state: initialRunState(runId, plan.goal, ['mark'], {}) }, 'test');
    await run.close();
    const queue = new Queue('web', { connection: parseRedisUrl(redis.url).options as ConnectionOptions, prefix: 'ksa' });
    const client = new Redis(redis.url);
    try {
      await queue.add('step', {}, { jobId: `${runId}.mark.1` });
      await client.hset(`ksa:other:${runId}.y`, 'data', '{bad');
      await client.hset(`ksa:web:${runId}.z`, 'opts', 'x');
      const cancel = await runKsa(['cancel', runId, '--yes', '--redis', redis.url], { home: box.home, cwd: dir, timeoutMs: 30_000 });
      expect(cancel.code, describeResult(cancel)).toBe(0);
      expect(cancel.stderr).toContain(`In ${redis.url}: removed 1 queued job.`);
      expect(cancel.stderr).not.toContain('unexpected error');
      expect((await ksaJson<StatusDoc>(['status', runId], { home: box.home, cwd: dir })).status).toBe('cancelled');
      expect(await queue.getJobState(`${runId}.mark.1`)).toBe('unknown');
      expect(await client.hgetall(`ksa:other:${runId}.y`)).toEqual({ data: '{bad' });
      expect(await client.hgetall(`ksa:web:${runId}.z`)).toEqual({ opts: 'x' });
    } finally {
      await queue.close();
      client.disconnect();
    }
  }, 60_000);
});
