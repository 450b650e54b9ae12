import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, eventually, parseNdjson, startKsa } from '../helpers/cli.js';
import { fleetScenarios } from '../helpers/fleet.js';

// Redis stops answering (SIGSTOP) for longer than a job's lock (2 s here) while a long step runs on a live
// worker: once Redis answers, the attempt is lost (its job can no longer finish) and retried. Its worker
// is alive and still runs it: the retry must not start until it has stopped it there.

const fleet = fleetScenarios('ksa-fleet-stall-lost-stopped-');

// Each attempt says whether the one before it still runs (its shell is alive) as it starts.
const PLAN = `goal: A long step across a Redis stall
steps:
  - id: long
    tool: shell
    runsOn: [web]
    retry: { maxAttempts: 2, initialDelayMs: 100 }
    args: { command: "if [ -f long.pid ] && kill -0 $(cat long.pid) 2>/dev/null; then echo overlap >> long.txt; fi; echo $$ > long.pid; echo start-$KSA_WORKER >> long.txt; sleep 15; echo end >> long.txt" }
`;

type StepEvent = { error?: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('workers: an attempt lost in a Redis stall while its worker still runs it', () => {
  it('is stopped on its worker before its retry starts, and the run says its lock expired (not that the worker stopped answering)', async () => {
    const { redis, dir, home, workers } = await fleet.setup('stall', ['w1', 'w2'], { labels: ['web'], concurrency: 2 });
    const planFile = await fleet.sandbox.writePlan('stall/plan.yaml', PLAN);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 90_000 });
    await eventually(() => (existsSync(path.join(dir, 'long.pid')) ? true : undefined), 20_000);
    redis.freeze();
    await sleep(5000);
    redis.thaw();
    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(0);
    const lines = readFileSync(path.join(dir, 'long.txt'), 'utf8').trim().split('\n');
    // A failure here names what the run and both workers said: the path that let the attempts overlap.
    const told = `${describeResult(result)}\n--- w1\n${workers.get('w1')!.stdout()}\n--- w2\n${workers.get('w2')!.stdout()}`;
    // Attempt 1 was killed on its worker (no `end`), before attempt 2 started (no `overlap`).
    expect(lines, told).toEqual([expect.stringMatching(/^start-w[12]$/), expect.stringMatching(/^start-w[12]$/), 'end']);
    const retrying = eventsOf(parseNdjson(result.stdout), 'step_retrying', 'long') as unknown as StepEvent[];
    expect(retrying.map((event) => event.error)).toEqual([expect.stringMatching(/^attempt lost: its job's lock in Redis expired while worker w[12] ran it \(Redis did not answer in time, or the worker was cut off from it\); the worker stopped it$/)]);
    const first = lines[0]!.replace('start-', '');
    await eventually(() => (workers.get(first)!.stdout().includes(`long (attempt 1) shell after`) ? true : undefined), 10_000);
    expect(workers.get(first)!.stdout()).toContain(`cancelled on worker ${first}`);
  }, 120_000);
});
