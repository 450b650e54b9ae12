import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventually, startKsa, type CliSandbox, type KsaProcess } from '../helpers/cli.js';
import { startWorker, stopAll } from '../helpers/fleet.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// A rollback runs where its step ran. With that worker gone, the rollback fails after
// --worker-wait saying so — not "waiting for a worker (labels: any)" while other workers are live.

let redis: TestRedis;
let box: CliSandbox;
let dir: string;
const workers: KsaProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
  box = await createCliSandbox('ksa-fleet-rollback-pinned-');
  dir = path.join(box.dir, 'ws');
  mkdirSync(dir);
}, 60_000);
afterAll(async () => {
  await stopAll(workers);
  await redis?.cleanup();
  await box?.cleanup();
});

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
  it('fails after --worker-wait naming the worker it waits for', async () => {
    const solo = await startWorker(redis.url, 'solo-1', { labels: ['solo'], cwd: dir, home: path.join(box.dir, 'solo-home') });
    workers.push(solo, await startWorker(redis.url, 'db-1', { labels: ['db'], cwd: dir, home: path.join(box.dir, 'db-home') }));
    writeFileSync(path.join(box.dir, 'plan.yaml'), PLAN);
    const run = startKsa(['run', path.join(box.dir, 'plan.yaml'), '--yes', '--redis', redis.url, '--worker-wait', '2s'], { home: box.home, cwd: dir, timeoutMs: 40_000 });
    await eventually(() => (existsSync(path.join(dir, 'b.started')) ? true : undefined), 20_000);
    await stopAll([solo]);
    writeFileSync(path.join(dir, 'go'), '');
    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stderr + result.stdout).toContain('not taken within 2s: it runs only on worker solo-1 (where its step ran), which did not take it (is it running?)');
    expect(result.stderr + result.stdout).not.toContain('labels: any');
  }, 60_000);
});
