import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventsOf, eventually, parseNdjson, runKsa, startKsa, type CliSandbox, type KsaProcess } from '../helpers/cli.js';
import { killGroup, lineCounts, readPids } from '../helpers/durable.js';
import { startWorker, stopAll, waitForJobState } from '../helpers/fleet.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { isProcessAlive, waitFor } from '../helpers/tool-context.js';

// ksa cancel of a run whose coordinator died (kill -9) while its jobs were queued and running on workers.

let sandbox: CliSandbox;
let redis: TestRedis;
const workers: KsaProcess[] = [];
const orphans = new Set<number>();

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-fleet-cancel-');
  redis = await startRedis();
});
afterAll(async () => {
  for (const pid of orphans) killGroup(pid);
  await stopAll(workers);
  await redis?.cleanup();
  await sandbox?.cleanup();
});

const noRedisEnv = { KSA_REDIS_URL: undefined };

describe('ksa cancel of an interrupted run that used workers', () => {
  it('without its Redis: refused (exit 2) naming the command; with --redis: queued jobs removed, running ones stopped on their worker, so a worker started later runs nothing of it', async () => {
    const dir = path.join(sandbox.dir, 'ws');
    mkdirSync(dir);
    workers.push(await startWorker(redis.url, 'w-long', { labels: ['long'], cwd: dir, home: sandbox.home, concurrency: 1 }));
    const planFile = await sandbox.writePlan('ws/plan.yaml', `goal: Leave jobs behind
steps:
  - id: long
    runsOn: [long]
    tool: shell
    args: { command: "echo $$ > long.pid; sleep 30" }
  - id: queued
    runsOn: [later]
    tool: shell
    args: { command: "echo queued >> ran.log" }
`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home: sandbox.home, cwd: dir, timeoutMs: 60_000, env: noRedisEnv });
    await run.waitForOutput((stdout) => stdout.includes('waiting for a worker (labels: later)'), 20_000);
    await eventually(() => (existsSync(path.join(dir, 'long.pid')) ? true : undefined), 20_000);
    const [longPid] = readPids(dir, 'long.pid');
    orphans.add(longPid!);
    const runId = (parseNdjson(run.stdout())[0] as { runId: string }).runId;
    // ksa status says what the live view says of a step no worker took.
    const live = await runKsa(['status', runId], { home: sandbox.home, env: noRedisEnv });
    expect(live.stdout).toMatch(/\n {2}queued +waiting +1 +– +.*waiting for a worker \d+(\.\d)?m?s \(labels: later\)\n/);
    run.kill('SIGKILL');
    await run.result;
    // Its hints name the Redis for both ways on.
    const shown = await runKsa(['status', runId], { home: sandbox.home, env: noRedisEnv });
    expect(shown.stdout).toContain(`Continue with: ksa resume ${runId} --redis ${redis.url}   or undo what it did with: ksa cancel ${runId} --redis ${redis.url}`);

    const refused = await runKsa(['cancel', runId, '--yes'], { home: sandbox.home, cwd: dir, env: noRedisEnv });
    expect(refused.code, describeResult(refused)).toBe(2);
    expect(refused.stderr.trim()).toBe(`ksa: run ${runId} sent its steps to workers through ${redis.url}; to stop its jobs there too, cancel it with: ksa cancel ${runId} --redis ${redis.url}`);
    expect(isProcessAlive(longPid!)).toBe(true);

    const cancel = await runKsa(['cancel', runId, '--yes', '--redis', redis.url], { home: sandbox.home, cwd: dir, env: noRedisEnv, timeoutMs: 30_000 });
    expect(cancel.code, describeResult(cancel)).toBe(0);
    expect(cancel.stderr).toContain(`In ${redis.url}: removed 1 queued job; stopped 1 running job on w-long.`);
    expect(await waitFor(() => !isProcessAlive(longPid!), 5000), `pid ${longPid} still alive`).toBe(true);
    const status = JSON.parse((await runKsa(['status', runId, '--json'], { home: sandbox.home, env: noRedisEnv })).stdout) as { status: string };
    expect(status.status).toBe('cancelled');

    // A worker for the queued step comes later: the jobs before the new run's are gone, so it runs only that one.
    workers.push(await startWorker(redis.url, 'w-later', { labels: ['later'], cwd: dir, home: sandbox.home, concurrency: 1 }));
    const marker = await sandbox.writePlan('ws/marker.yaml', `goal: After the cancel\nsteps:\n  - id: marker\n    runsOn: [later]\n    tool: shell\n    args: { command: "echo marker >> ran.log" }\n`);
    const after = await runKsa(['run', marker, '--yes', '--json', '--redis', redis.url], { home: sandbox.home, cwd: dir, env: noRedisEnv, timeoutMs: 30_000 });
    expect(after.code, describeResult(after)).toBe(0);
    expect(eventsOf(parseNdjson(after.stdout), 'step_succeeded', 'marker')).toHaveLength(1);
    expect(Object.fromEntries(lineCounts(dir))).toEqual({ marker: 1 });
  }, 90_000);

  it('of a run that had stopped a step on a worker before it died (its cancel mark is in Redis): the rollback runs, exit 0', async () => {
    const dir = path.join(sandbox.dir, 'marked');
    mkdirSync(dir);
    workers.push(await startWorker(redis.url, 'w-undo', { labels: ['undo'], cwd: dir, home: sandbox.home, concurrency: 3 }));
    const planFile = await sandbox.writePlan('marked/plan.yaml', `goal: Die while undoing
runsOn: [undo]
steps:
  - id: first
    tool: shell
    args: { command: "echo first" }
    rollback: { tool: shell, args: { command: "touch undo.started; while [ ! -f undo.go ]; do sleep 0.1; done; echo undone >> undo.log" } }
  - id: held
    dependsOn: [first]
    tool: shell
    args: { command: "echo $$ >> held.pids; while true; do sleep 0.1; done" }
  - id: bad
    dependsOn: [first]
    tool: shell
    args: { command: "while [ ! -s held.pids ]; do sleep 0.1; done; exit 3" }
`);
    // bad fails while held runs: held is stopped (its job gets the cancel mark), then first's undo starts.
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home: sandbox.home, cwd: dir, timeoutMs: 60_000, env: noRedisEnv });
    await eventually(() => (existsSync(path.join(dir, 'undo.started')) ? true : undefined), 20_000);
    for (const pid of readPids(dir, 'held.pids')) orphans.add(pid);
    const runId = (parseNdjson(run.stdout())[0] as { runId: string }).runId;
    run.kill('SIGKILL');
    await run.result;
    writeFileSync(path.join(dir, 'undo.go'), '');
    await waitForJobState(redis.url, 'worker-w-undo', `${runId}.first.rollback.w-undo`, 'completed');

    const cancel = await runKsa(['cancel', runId, '--yes', '--redis', redis.url], { home: sandbox.home, cwd: dir, env: noRedisEnv, timeoutMs: 30_000 });
    expect(cancel.code, describeResult(cancel)).toBe(0);
    expect(Object.fromEntries(lineCounts(dir, 'undo.log'))).toEqual({ undone: 1 });
    const status = JSON.parse((await runKsa(['status', runId, '--json'], { home: sandbox.home, env: noRedisEnv })).stdout) as { status: string };
    expect(status.status).toBe('cancelled');
  }, 90_000);
});
