import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventually, runKsa, type CliSandbox, type KsaProcess } from '../helpers/cli.js';
import { startWorker, stopAll } from '../helpers/fleet.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// Worker names are unique among live workers: events, status and rollbacks route by them.

let sandbox: CliSandbox;
let redis: TestRedis;
const workers: KsaProcess[] = [];
let dir: string;

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-fleet-name-');
  redis = await startRedis();
  dir = path.join(sandbox.dir, 'ws');
  mkdirSync(dir);
});
afterAll(async () => {
  await stopAll(workers);
  await redis?.cleanup();
  await sandbox?.cleanup();
});

async function listed(): Promise<string[]> {
  const result = await runKsa(['workers', '--redis', redis.url, '--json'], { home: sandbox.home });
  return (JSON.parse(result.stdout) as { workers: { name: string }[] }).workers.map((info) => info.name);
}

describe('ksa worker --name', () => {
  it('a name a live worker has is refused in one line naming it (exit 2); once that worker is gone (kill -9, its entry stale), the name is free', async () => {
    const first = await startWorker(redis.url, 'twin', { cwd: dir, home: sandbox.home });
    workers.push(first);
    const second = await runKsa(['worker', '--redis', redis.url, '--name', 'twin'], { home: sandbox.home, cwd: dir, timeoutMs: 20_000 });
    expect(second.code, describeResult(second)).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`^ksa: a worker named twin is already live \\(pid ${first.pid} on \\S+, last seen \\d+s ago\\): give this one another --name, or stop that one first\\n$`));
    expect(await listed()).toEqual(['twin']);

    first.kill('SIGKILL');
    await first.result;
    await eventually(async () => ((await listed()).includes('twin') ? undefined : true), 20_000, 1000);
    const again = await startWorker(redis.url, 'twin', { cwd: dir, home: sandbox.home });
    workers.push(again);
    expect(await listed()).toEqual(['twin']);
  }, 60_000);

  it('a worker that stopped on SIGTERM leaves its name free at once', async () => {
    const first = await startWorker(redis.url, 'relay', { cwd: dir, home: sandbox.home });
    first.kill('SIGTERM');
    expect((await first.result).code).toBe(143);
    const next = await startWorker(redis.url, 'relay', { cwd: dir, home: sandbox.home });
    workers.push(next);
    expect(await listed()).toContain('relay');
  }, 60_000);
});
