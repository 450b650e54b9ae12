import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Queue, type ConnectionOptions } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialRunState, PlanSchema } from '../../src/planning/index.js';
import { RunStore } from '../../src/store/index.js';
import { parseRedisUrl } from '../../src/workers/redis-connection.js';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';
import { ksaJson, type StatusDoc } from '../helpers/durable.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// A run that sent its steps to workers through redis://localhost:P goes on through redis://127.0.0.1:P: one
// server, spelt otherwise. Another port is another server, and the resume is still refused; so is a host name
// that may or may not be this machine (one that does not resolve): no name is looked up, any doubt refuses.

let box: CliSandbox;
let redis: TestRedis;
beforeAll(async () => {
  box = await createCliSandbox('ksa-fleet-resume-loopback-');
  redis = await startRedis();
});
afterAll(async () => {
  await redis.cleanup();
  await box.cleanup();
});

/** An interrupted run (its process gone) recorded with `recorded` as its Redis; its one step runs here. */
async function interruptedRun(runId: string, recorded: string): Promise<string> {
  const dir = path.join(box.dir, runId);
  await mkdir(dir, { recursive: true });
  const plan = PlanSchema.parse({ goal: 'Loopback', steps: [{ id: 'mark', tool: 'shell', args: { command: 'touch marked' } }] });
  const run = await new RunStore(box.home).create({ runId, goal: plan.goal, createdAt: new Date().toISOString(), workspace: dir, plan, inputs: {}, allowedEnv: [], redis: recorded, state: initialRunState(runId, plan.goal, ['mark'], {}) }, 'test');
  await run.close();
  return dir;
}

describe('ksa resume --redis of a run recorded with another spelling of its server', () => {
  it('localhost recorded, 127.0.0.1 given (default database written out): resumed there', async () => {
    const dir = await interruptedRun('loopback-same', `redis://localhost:${redis.port}`);
    const result = await runKsa(['resume', 'loopback-same', '--yes', '--redis', `redis://127.0.0.1:${redis.port}/0`, '--local-default'], { home: box.home, cwd: dir, timeoutMs: 30_000 });
    expect(result.code, describeResult(result)).toBe(0);
    expect(existsSync(path.join(dir, 'marked'))).toBe(true);
  }, 40_000);

  it('another port: refused, naming the recorded server, and nothing runs', async () => {
    const dir = await interruptedRun('loopback-other', `redis://localhost:${redis.port}`);
    const result = await runKsa(['resume', 'loopback-other', '--yes', '--redis', `redis://127.0.0.1:${redis.port + 1}`], { home: box.home, cwd: dir, timeoutMs: 30_000 });
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toContain(`run loopback-other sent its steps to workers through redis://localhost:${redis.port}, not redis://127.0.0.1:${redis.port + 1}`);
    expect(existsSync(path.join(dir, 'marked'))).toBe(false);
  }, 40_000);
});

describe('ksa cancel and ksa resume --redis of a run recorded with a host name that does not resolve', () => {
  it('refused, naming the recorded URL: its queued job is left, the run stays interrupted, nothing runs', async () => {
    const recorded = `redis://queue-host.invalid:${redis.port}`;
    const given = `redis://127.0.0.1:${redis.port}`;
    const dir = await interruptedRun('unresolved-host', recorded);
    // A job of the run in the Redis given: a cancel let through would call the run cancelled and leave it queued.
    const queue = new Queue('any', { connection: parseRedisUrl(given).options as ConnectionOptions, prefix: 'ksa' });
    try {
      await queue.add('step', {}, { jobId: 'unresolved-host.mark.1' });
      const cancel = await runKsa(['cancel', 'unresolved-host', '--yes', '--redis', given], { home: box.home, cwd: dir, timeoutMs: 30_000 });
      expect(cancel.code, describeResult(cancel)).toBe(2);
      expect(cancel.stderr).toContain(`run unresolved-host sent its steps to workers through ${recorded}, not ${given}: its jobs are there, and none of them would be stopped; cancel it with --redis ${recorded}`);
      const resume = await runKsa(['resume', 'unresolved-host', '--yes', '--redis', given, '--local-default'], { home: box.home, cwd: dir, timeoutMs: 30_000 });
      expect(resume.code, describeResult(resume)).toBe(2);
      expect(resume.stderr).toContain(`run unresolved-host sent its steps to workers through ${recorded}, not ${given}`);
      expect(await queue.getJobState('unresolved-host.mark.1')).toBe('waiting');
      expect((await ksaJson<StatusDoc>(['status', 'unresolved-host'], { home: box.home, cwd: dir })).status).toBe('interrupted');
      expect(existsSync(path.join(dir, 'marked'))).toBe(false);
    } finally {
      await queue.close();
    }
  }, 60_000);
});
