import { mkdir } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, parseNdjson, runKsa, type CliSandbox, type KsaProcess } from '../helpers/cli.js';
import { startWorker, stopAll } from '../helpers/fleet.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// A Redis reached by an IPv6 address is named in a URL with the address in brackets (redis://[::1]:6379), as
// URLs write it; the connection is made to the address itself, and ksa shows the URL as written.

const hasIpv6Loopback = Object.values(networkInterfaces()).some((addresses) => addresses?.some((address) => address.family === 'IPv6' && address.address === '::1'));

let box: CliSandbox;
let redis: TestRedis;
const workers: KsaProcess[] = [];
beforeAll(async () => {
  if (!hasIpv6Loopback) return;
  box = await createCliSandbox('ksa-fleet-redis-ipv6-');
  redis = await startRedis({ bind: '::1' });
});
afterAll(async () => {
  await stopAll(workers);
  await redis?.cleanup();
  await box?.cleanup();
});

describe.skipIf(!hasIpv6Loopback)('a Redis at an IPv6 address, redis://[::1]:port', () => {
  it('ksa workers reads it, naming it as written', async () => {
    expect(redis.url).toBe(`redis://[::1]:${redis.port}`);
    const result = await runKsa(['workers', '--redis', redis.url], { home: box.home, timeoutMs: 20_000 });
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toContain(`no live workers at redis://[::1]:${redis.port} (start one with: ksa worker --redis redis://[::1]:${redis.port})`);
  });

  it('a worker and a run go through it: the step runs on the worker', async () => {
    const dir = path.join(box.dir, 'ws');
    await mkdir(dir, { recursive: true });
    workers.push(await startWorker(redis.url, 'v6', { labels: ['v6'], cwd: dir, home: path.join(box.dir, 'worker-home') }));
    const plan = await box.writePlan('ws/plan.yaml', 'goal: Through IPv6\nsteps:\n  - { id: a, runsOn: [v6], tool: shell, args: { command: "echo on $KSA_WORKER" } }\n');
    const run = await runKsa(['run', plan, '--yes', '--json', '--redis', redis.url], { home: box.home, cwd: dir, timeoutMs: 40_000 });
    expect(run.code, describeResult(run)).toBe(0);
    expect(JSON.stringify(parseNdjson(run.stdout))).toContain('on v6');
  }, 60_000);
});
