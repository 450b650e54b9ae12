import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, parseNdjson, startKsa } from '../helpers/cli.js';
import { lineCounts } from '../helpers/durable.js';
import { fleetScenarios, startWorker } from '../helpers/fleet.js';

// A step no worker had taken when Redis restarted without its data had not started: it is queued
// again, its --worker-wait going on, not failed as a lost attempt (a taken one stays lost).

const fleet = fleetScenarios('ksa-fleet-redis-lost-queued-');

describe('Redis restarted without its data while a step waits for a worker', () => {
  it('queues the step again; a worker started afterwards runs it once and the run succeeds', async () => {
    const { redis, dir, home, workers } = await fleet.setup('queued', []);
    const planFile = await fleet.sandbox.writePlan('queued/plan.yaml', `goal: Wait for a late worker
steps:
  - id: late
    tool: shell
    runsOn: [late]
    args: { command: "echo ran-$KSA_WORKER >> ran.log" }
`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url, '--worker-wait', '60s'], { home, cwd: dir, timeoutMs: 90_000 });
    await run.waitForOutput((stdout) => stdout.includes('waiting for a worker (labels: late)'), 20_000);
    await redis.stop('SIGKILL');
    await redis.restart();
    await run.waitForOutput((stdout) => stdout.includes('queued again: Redis no longer had its job'), 20_000);
    workers.set('late-1', await startWorker(redis.url, 'late-1', { labels: ['late'], cwd: dir, home: path.join(dir, 'late-home') }));
    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseNdjson(result.stdout);
    expect(eventsOf(events, 'step_failed', 'late')).toEqual([]);
    expect(eventsOf(events, 'step_retrying', 'late')).toEqual([]);
    expect(eventsOf(events, 'step_succeeded', 'late')).toEqual([expect.objectContaining({ attempt: 1, worker: 'late-1' })]);
    expect(Object.fromEntries(lineCounts(dir, 'ran.log'))).toEqual({ 'ran-late-1': 1 });
  }, 120_000);
});
