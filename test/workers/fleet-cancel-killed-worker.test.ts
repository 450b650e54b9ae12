import { existsSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { describeResult, eventually, parseNdjson, startKsa } from '../helpers/cli.js';
import { ksaJson, readPids, waitForStoredStatus, type StatusDoc } from '../helpers/durable.js';
import { fleetScenarios } from '../helpers/fleet.js';

// ksa cancel of a run whose coordinator and worker were both killed with -9: the worker's running job is said
// as gone, not as stopped, and not waited for; the rollback bound to that worker fails at once, naming it,
// instead of waiting --worker-wait (5 minutes by default) for a worker that will not come.

const fleet = fleetScenarios('ksa-fleet-cancel-killed-worker-');

const PLAN = `goal: Undo on a worker killed with -9
runsOn: [gpu]
steps:
  - id: app
    tool: shell
    args: { command: "echo app" }
    rollback: { tool: shell, args: { command: "echo undone >> undone.log" } }
  - id: hold
    dependsOn: [app]
    tool: shell
    args: { command: "echo $$ >> hold.pids; touch hold.started; sleep 60" }
`;

describe('ksa cancel of a run whose worker was SIGKILLed', () => {
  it('says the worker is gone, does not wait for it, and fails its rollback at once naming it', async () => {
    const { redis, dir, home, workers } = await fleet.setup('killed', ['w7'], { labels: ['gpu'], concurrency: 2 });
    const planFile = await fleet.sandbox.writePlan('killed/plan.yaml', PLAN);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await eventually(() => (existsSync(path.join(dir, 'hold.started')) ? true : undefined), 20_000);
    const runId = (parseNdjson(run.stdout())[0] as { runId: string }).runId;
    await waitForStoredStatus(runId, 'hold', 'running', { home, cwd: dir });
    run.kill('SIGKILL');
    workers.get('w7')!.kill('SIGKILL');
    await Promise.all([run.result.catch(() => undefined), workers.get('w7')!.result.catch(() => undefined)]);
    // Its shell outlives it (nothing kills it): killed after the file.
    for (const pid of readPids(dir, 'hold.pids')) fleet.orphans.add(pid);

    // Far below the default --worker-wait: a wait for w7 would time this out.
    const cancel = startKsa(['cancel', runId, '--yes', '--redis', redis.url], { home, cwd: dir, timeoutMs: 45_000 });
    const result = await cancel.result;
    expect(result.timedOut, describeResult(result)).toBe(false);
    expect(result.stderr).not.toMatch(/stopped 1 running job/);
    expect(result.stderr).toMatch(new RegExp(`w7 is gone \\(no heartbeat for \\d+s[^)]*\\): its job is no longer running there \\(${runId}\\.hold\\.1\\)`));
    expect(result.stderr).toMatch(/worker w7 is gone \(no heartbeat for \d+s[^)]*\): app's rollback runs only there, where app ran; undo app by hand on w7/);
    expect(result.code, describeResult(result)).toBe(1);
    const status = await ksaJson<StatusDoc>(['status', runId], { home });
    expect(status.status).toBe('rollback_failed');
    expect(existsSync(path.join(dir, 'undone.log'))).toBe(false);
  }, 120_000);

  it('--worker-wait bounds the wait of a rollback for a worker still listed as live that does not take it', async () => {
    const { redis, dir, home, workers } = await fleet.setup('listed', ['w8'], { labels: ['gpu'], concurrency: 2 });
    const planFile = await fleet.sandbox.writePlan('listed/plan.yaml', PLAN);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await eventually(() => (existsSync(path.join(dir, 'hold.started')) ? true : undefined), 20_000);
    const runId = (parseNdjson(run.stdout())[0] as { runId: string }).runId;
    await waitForStoredStatus(runId, 'hold', 'running', { home, cwd: dir });
    run.kill('SIGKILL');
    workers.get('w8')!.kill('SIGKILL');
    await Promise.all([run.result.catch(() => undefined), workers.get('w8')!.result.catch(() => undefined)]);
    for (const pid of readPids(dir, 'hold.pids')) fleet.orphans.add(pid);
    // A w8 of another machine that keeps its heartbeat but reads no queue (cut off from it, say): nothing here can tell it is not alive.
    const client = new Redis(redis.url);
    const [seconds] = await client.time();
    const entry = { name: 'w8', labels: ['gpu'], host: 'elsewhere', pid: 1, concurrency: 1, running: [], startedAt: new Date(0).toISOString(), lastSeen: new Date(Number(seconds) * 1000).toISOString() };
    await client.hset('ksa:workers', 'w8', JSON.stringify(entry));
    client.disconnect();

    const cancel = startKsa(['cancel', runId, '--yes', '--redis', redis.url, '--worker-wait', '1s'], { home, cwd: dir, timeoutMs: 45_000 });
    const result = await cancel.result;
    expect(result.timedOut, describeResult(result)).toBe(false);
    expect(result.stderr).toContain('rollback of app failed: w8: not taken within 1s: it runs only on worker w8 (where its step ran)');
    expect(result.code, describeResult(result)).toBe(1);
  }, 120_000);
});
