import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, startKsa, type CliSandbox, type KsaProcess } from '../helpers/cli.js';
import { startWorker, stopAll } from '../helpers/fleet.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// A password rotated (or an ACL user a restart dropped) while ksa is connected: its reconnects are
// refused, for good unless the old password comes back. "Waiting for it to come back" alone would hide
// the cause; the worker and the run say it, once.

const OLD = 'Rot1old-pw';
const NEW = 'Rot2new-pw';
let redis: TestRedis;
let box: CliSandbox;
const started: KsaProcess[] = [];

beforeAll(async () => {
  // The default user (no password) stays: the test's own admin connection and the worker that runs the step.
  redis = await startRedis({ conf: [`user rot on >${OLD} ~* &* +@all`] });
  box = await createCliSandbox('ksa-fleet-refused-');
}, 60_000);
afterAll(async () => {
  await stopAll(started);
  await redis?.cleanup();
  await box?.cleanup();
});

describe('workers: Redis refuses the password on reconnect', () => {
  it('the worker and the run say so once, naming the URL, not only that they wait for Redis', async () => {
    const dir = path.join(box.dir, 'ws');
    mkdirSync(dir);
    const rotUrl = `redis://rot:${OLD}@127.0.0.1:${redis.port}`;
    const shown = `redis://127.0.0.1:${redis.port}`;
    started.push(await startWorker(redis.url, 'runner', { cwd: dir, home: path.join(box.dir, 'runner-home'), labels: ['run'] }));
    const rotated = await startWorker(rotUrl, 'rotated', { cwd: dir, home: path.join(box.dir, 'rotated-home') });
    started.push(rotated);
    const planFile = await box.writePlan('ws/plan.yaml', `goal: Outlive a password change
steps:
  - id: slow
    tool: shell
    runsOn: [run]
    args: { command: "sleep 30" }
`);
    const run = startKsa(['run', planFile, '--yes', '--redis', rotUrl], { home: path.join(box.dir, 'coord-home'), cwd: dir, timeoutMs: 60_000 });
    started.push(run);
    await run.waitForOutput((stdout, stderr) => `${stdout}${stderr}`.includes('slow started on runner'), 20_000);

    const admin = new Redis(redis.url);
    try {
      await admin.call('ACL', 'SETUSER', 'rot', 'resetpass', `>${NEW}`);
      await admin.call('CLIENT', 'KILL', 'USER', 'rot');
    } finally {
      admin.disconnect();
    }
    const refused = `Redis at ${shown} refused the password (or user) on reconnect; still trying`;
    await rotated.waitForOutput((stdout) => stdout.includes(refused), 15_000);
    await run.waitForOutput((_stdout, stderr) => stderr.includes(`ksa: ${refused}`), 15_000);
    // Said once, however often it is refused meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(rotated.stdout().split(refused).length - 1).toBe(1);
    expect(run.stderr().split(refused).length - 1, run.stderr()).toBe(1);
    expect(`${rotated.stdout()}${rotated.stderr()}${run.stdout()}${run.stderr()}`.includes(OLD)).toBe(false);
  }, 90_000);
});
