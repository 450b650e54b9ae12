import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, eventually, parseNdjson, startKsa } from '../helpers/cli.js';
import { fleetScenarios } from '../helpers/fleet.js';

// A worker stopped at once (a second SIGTERM) kills the steps it runs and hands them back: the
// coordinator hears that, not "command was killed by SIGKILL" (which sends one looking for the
// OOM killer), and the retry runs on another worker.

const fleet = fleetScenarios('ksa-fleet-stop-now-');

const PLAN = `goal: Handed back
steps:
  - id: t
    runsOn: [box]
    tool: shell
    retry: { maxAttempts: 2, initialDelayMs: 100 }
    args: { command: "touch started-$KSA_WORKER; sleep 3" }
`;

describe('a worker stopped at once while it runs a step', () => {
  it('hands the attempt back: the retry says so and runs on another worker', async () => {
    const { redis, dir, home, workers } = await fleet.setup('now', ['box-1', 'box-2'], { labels: ['box'] });
    const planFile = await fleet.sandbox.writePlan('now/plan.yaml', PLAN);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 40_000 });
    const first = await eventually(() => ['box-1', 'box-2'].find((name) => existsSync(path.join(dir, `started-${name}`))), 20_000);
    const worker = workers.get(first)!;
    worker.kill('SIGTERM');
    await worker.waitForOutput((stdout) => stdout.includes('finishing 1 running step'), 10_000);
    worker.kill('SIGTERM');
    await worker.result;
    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(0);
    const retrying = eventsOf(parseNdjson(result.stdout), 'step_retrying');
    expect(retrying.map((event) => event.error)).toEqual([expect.stringMatching(new RegExp(`attempt handed back: worker ${first} was stopped at once|attempt lost: worker ${first} stopped answering`))]);
    expect(JSON.stringify(retrying)).not.toContain('SIGKILL');
  }, 60_000);
});
