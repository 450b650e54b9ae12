import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventually, parseNdjson, runKsa, startKsa, type CliSandbox, type KsaProcess } from '../helpers/cli.js';
import { killGroup, readPids } from '../helpers/durable.js';
import { startWorker, stopAll } from '../helpers/fleet.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// ksa cancel --redis of an interrupted run: a rollback the policy now denies is not sent to a worker.

let sandbox: CliSandbox;
let redis: TestRedis;
const workers: KsaProcess[] = [];
const orphans = new Set<number>();

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-fleet-cancel-denied-');
  redis = await startRedis();
});
afterAll(async () => {
  for (const pid of orphans) killGroup(pid);
  await stopAll(workers);
  await redis?.cleanup();
  await sandbox?.cleanup();
});

const noRedisEnv = { KSA_REDIS_URL: undefined };

describe('ksa cancel --redis and a rollback the policy now denies', () => {
  it('is not run on the worker: the step stays not rolled back, exit 1', async () => {
    const dir = path.join(sandbox.dir, 'ws');
    mkdirSync(dir);
    workers.push(await startWorker(redis.url, 'w-undo', { labels: ['undo'], cwd: dir, home: sandbox.home, concurrency: 2 }));
    const planFile = await sandbox.writePlan('ws/plan.yaml', `goal: Undo on a worker
runsOn: [undo]
steps:
  - id: first
    tool: shell
    args: { command: "echo first" }
    rollback: { tool: shell, args: { command: "touch undone.marker" } }
  - id: long
    dependsOn: [first]
    tool: shell
    args: { command: "echo $$ > long.pid; sleep 30" }
`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home: sandbox.home, cwd: dir, timeoutMs: 60_000, env: noRedisEnv });
    await eventually(() => (existsSync(path.join(dir, 'long.pid')) ? true : undefined), 20_000);
    for (const pid of readPids(dir, 'long.pid')) orphans.add(pid);
    const runId = (parseNdjson(run.stdout())[0] as { runId: string }).runId;
    run.kill('SIGKILL');
    await run.result;
    const policyFile = path.join(sandbox.home, 'policy.yaml');
    writeFileSync(policyFile, 'deny:\n  - shell: "touch undone*"\n');

    const cancel = await runKsa(['cancel', runId, '--yes', '--redis', redis.url], { home: sandbox.home, cwd: dir, env: noRedisEnv, timeoutMs: 30_000 });
    expect(cancel.code, describeResult(cancel)).toBe(1);
    expect(cancel.stderr).toContain(`  ! first: its rollback (shell touch undone.marker): denied by deny shell: "touch undone*" (${policyFile}:2); it is not run, and first stays not rolled back\n`);
    // Given a moment: a rollback sent to the worker would have written it by now.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(existsSync(path.join(dir, 'undone.marker'))).toBe(false);
    const status = JSON.parse((await runKsa(['status', runId, '--json'], { home: sandbox.home, env: noRedisEnv })).stdout) as { status: string };
    expect(status.status).toBe('rollback_failed');
  }, 90_000);
});
