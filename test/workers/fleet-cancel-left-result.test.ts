import { existsSync } from 'node:fs';
import path from 'node:path';
import { Queue, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { cancelRunJobs } from '../../src/workers/cancel-run-jobs.js';
import { isRollbackJobId, leftResultKey } from '../../src/workers/queue-names.js';
import { parseRedisUrl } from '../../src/workers/redis-connection.js';
import { describeResult, eventually, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { fleetScenarios, startWorker } from '../helpers/fleet.js';
import { startRedis } from '../helpers/redis-server.js';

// A worker whose lock expired while Redis stalled leaves its attempt's result beside the job
// (ksa:left:<job id>, a string kept a day): the run's jobs are the job hashes, not those strings.

const fleet = fleetScenarios('ksa-fleet-cancel-left-result-');

describe('the cancel of a run whose worker left a result', () => {
  it('ksa cancel --redis stops the running job and rolls back, not failing on the left result', async () => {
    const { redis, dir, home, workers } = await fleet.setup('cancel', []);
    workers.set('w1', await startWorker(redis.url, 'w1', { labels: ['web'], cwd: dir, home }));
    const planFile = await fleet.sandbox.writePlan('cancel/plan.yaml', `goal: Leave a result
steps:
  - { id: a, tool: shell, runsOn: [web], args: { command: "echo a" }, rollback: { tool: shell, args: { command: "touch a.undone" } } }
  - { id: b, tool: shell, runsOn: [web], dependsOn: [a], args: { command: "touch b.started; sleep 30" } }
`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await eventually(() => (existsSync(path.join(dir, 'b.started')) ? true : undefined), 20_000);
    const runId = (parseNdjson(run.stdout())[0] as { runId: string }).runId;
    const client = new Redis(redis.url);
    try {
      await client.set(leftResultKey(`${runId}.a.1`), JSON.stringify({ worker: 'w1', output: 'a' }), 'EX', 3600);
    } finally {
      client.disconnect();
    }
    run.kill('SIGKILL');
    await run.result;
    const cancel = await runKsa(['cancel', runId, '--yes', '--redis', redis.url], { home, cwd: dir, timeoutMs: 40_000 });
    expect(cancel.code, describeResult(cancel)).toBe(0);
    expect(cancel.stderr).toContain('stopped 1 running job on w1');
    expect(existsSync(path.join(dir, 'a.undone'))).toBe(true);
  }, 90_000);

  it("the rollbacks stopped before a resume are found beside a rollback's left result", async () => {
    const redis = await startRedis();
    const target = parseRedisUrl(redis.url);
    const queue = new Queue('worker-w1', { connection: target.options as ConnectionOptions, prefix: 'ksa' });
    const client = new Redis(redis.url);
    try {
      await queue.add('step', {}, { jobId: 'r1.b.rollback' });
      await client.set(leftResultKey('r1.a.rollback'), JSON.stringify({ worker: 'w1', output: null }), 'EX', 3600);
      const cancelled = await cancelRunJobs(target, 'r1', { only: isRollbackJobId, waitMs: 0 });
      expect(cancelled).toEqual({ removed: ['r1.b.rollback'], stopped: [], stillRunning: [], gone: [] });
      expect(await client.type(leftResultKey('r1.a.rollback'))).toBe('string');
      expect(await client.keys('ksa:left:meta')).toEqual([]);
    } finally {
      await queue.close();
      client.disconnect();
      await redis.cleanup();
    }
  }, 30_000);
});
