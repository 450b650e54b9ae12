import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, runKsa } from '../helpers/cli.js';
import { fleetScenarios } from '../helpers/fleet.js';

// A step on a worker that times out takes a moment to stop there (its trap cleans up, as a
// `podman run` client removes its container). Its retry, like a local one, starts only once the
// worker has stopped the attempt it replaces: the two never overlap.

const fleet = fleetScenarios('ksa-fleet-timeout-stop-');

const PLAN = `goal: Slow to stop
steps:
  - id: slow
    runsOn: [box]
    tool: shell
    timeoutMs: 1500
    retry: { maxAttempts: 2, initialDelayMs: 10 }
    args: { command: "echo start >> ran.log; trap 'sleep 1; echo stopped >> ran.log; exit 1' TERM; sleep 30 & wait" }
`;

describe('a step on a worker stopped by its timeout', () => {
  it('is retried only once its worker has stopped it', async () => {
    const { redis, dir, home } = await fleet.setup('slow', ['box-1', 'box-2'], { labels: ['box'] });
    const planFile = await fleet.sandbox.writePlan('slow/plan.yaml', PLAN);
    const result = await runKsa(['run', planFile, '--yes', '--redis', redis.url], { home, cwd: dir, timeoutMs: 40_000 });
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stderr + result.stdout).toMatch(/timed out after 1500 ms/);
    expect(readFileSync(path.join(dir, 'ran.log'), 'utf8').trim().split('\n')).toEqual(['start', 'stopped', 'start', 'stopped']);
  }, 60_000);
});
