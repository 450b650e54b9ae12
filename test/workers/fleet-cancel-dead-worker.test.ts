import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventually, parseNdjson, startKsa } from '../helpers/cli.js';
import { ksaJson, readPids, waitForStoredStatus, type StatusDoc } from '../helpers/durable.js';
import { fleetScenarios } from '../helpers/fleet.js';

// ksa cancel of a run whose coordinator died, its rollback hanging on its live worker: a SIGTERM ends the
// wait and leaves the run interrupted, saying the commands that go on with it, with its --redis.

const fleet = fleetScenarios('ksa-fleet-cancel-dead-worker-');

const PLAN = `goal: Undo that hangs on its worker
runsOn: [web]
steps:
  - id: app
    tool: shell
    args: { command: "echo app" }
    rollback: { tool: shell, args: { command: "echo $$ >> undo.pids; touch undo.started; sleep 60" } }
  - id: hold
    dependsOn: [app]
    tool: shell
    args: { command: "touch hold.started; sleep 60" }
`;

describe('ksa cancel whose rollback hangs on its worker', () => {
  it('SIGTERM stops the wait: the run stays interrupted, and the line names ksa resume and ksa cancel with its --redis', async () => {
    const { redis, dir, home } = await fleet.setup('dead', ['w5'], { labels: ['web'], concurrency: 2 });
    const planFile = await fleet.sandbox.writePlan('dead/plan.yaml', PLAN);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await eventually(() => (existsSync(path.join(dir, 'hold.started')) ? true : undefined), 20_000);
    const runId = (parseNdjson(run.stdout())[0] as { runId: string }).runId;
    await waitForStoredStatus(runId, 'hold', 'running', { home, cwd: dir });
    run.kill('SIGKILL');
    await run.result.catch(() => undefined);

    const cancel = startKsa(['cancel', runId, '--yes', '--redis', redis.url], { home, cwd: dir, timeoutMs: 30_000 });
    await cancel.waitForOutput((_, stderr) => /rolling back, newest first: app/.test(stderr), 30_000);
    // Its undo runs on w5, which stopped the run's hold job first, and does not end.
    await eventually(() => (existsSync(path.join(dir, 'undo.started')) ? true : undefined), 20_000);
    for (const pid of readPids(dir, 'undo.pids')) fleet.orphans.add(pid);
    cancel.kill('SIGTERM');
    const result = await cancel.result;
    expect(result.timedOut, describeResult(result)).toBe(false);
    expect(result.code, describeResult(result)).toBe(143);
    expect(result.stderr).toContain(`Continue with: ksa resume ${runId} --redis ${redis.url}, or undo with: ksa cancel ${runId} --redis ${redis.url}`);
    const status = await ksaJson<StatusDoc>(['status', runId], { home });
    expect(status.status).toBe('interrupted');
  }, 120_000);
});
