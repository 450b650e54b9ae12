import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventually, startKsa } from '../helpers/cli.js';
import { sharedFleet } from '../helpers/fleet.js';

// A rollback runs where its step ran. With that worker gone, the rollback fails after
// --worker-wait saying so — not "waiting for a worker (labels: any)" while other workers are live.

const fleet = sharedFleet('ksa-fleet-rollback-pinned-');

const PLAN = `goal: Rollback where it ran
steps:
  - id: a
    runsOn: [solo]
    tool: shell
    args: { command: "echo a" }
    rollback: { tool: shell, args: { command: "echo undo-a" } }
  - id: b
    runsOn: [db]
    dependsOn: [a]
    tool: shell
    args: { command: "touch b.started; while [ ! -f go ]; do sleep 0.1; done; exit 1" }
`;

describe('a rollback whose worker is gone', () => {
  it('says at once that it waits for that worker, and fails after --worker-wait naming it', async () => {
    const solo = await fleet.worker('solo-1', ['solo']);
    await fleet.worker('db-1', ['db']);
    const { dir } = fleet;
    const planFile = await fleet.box.writePlan('plan.yaml', PLAN);
    const run = startKsa(['run', planFile, '--yes', '--redis', fleet.redis.url, '--worker-wait', '2s'], { home: fleet.box.home, cwd: dir, timeoutMs: 40_000 });
    await eventually(() => (existsSync(path.join(dir, 'b.started')) ? true : undefined), 20_000);
    // Stopped as a supervisor stops it: it leaves the registry, so it is known not to be live.
    solo.kill('SIGTERM');
    await solo.result;
    writeFileSync(path.join(dir, 'go'), '');
    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stderr + result.stdout).toContain('not taken within 2s: it runs only on worker solo-1 (where its step ran), which did not take it (is it running?)');
    expect(result.stderr + result.stdout).not.toContain('labels: any');
    // While it waited, it said for whom (a step waiting for a worker does, at once).
    expect(result.stderr + result.stdout).toContain('waiting for worker solo-1 (only it may run this; it is not live)');
  }, 60_000);
});
