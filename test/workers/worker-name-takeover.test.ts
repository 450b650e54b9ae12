import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerNameTakenError } from '../../src/workers/index.js';
import { claimWorkerName } from '../../src/workers/worker-registry.js';
import { currentBootId, startTicksOf } from '../../src/tools/process-identity.js';
import { startZombie } from '../helpers/zombie.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// A worker killed with kill -9 and restarted at once by its supervisor (systemd) found its name
// "already live" for the ten seconds its registry entry stays fresh, and a supervisor gives up
// after a few quick failures. On the same machine ksa can tell the old process is gone.

let redis: TestRedis;
let client: Redis;
beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
});
afterAll(async () => {
  client?.disconnect();
  await redis?.cleanup();
});

/** A process that has ended: its pid and start time, as its worker entry had them. */
async function endedProcess(): Promise<{ pid: number; startTicks: number }> {
  const child = spawn('sleep', ['30']);
  const pid = child.pid!;
  const startTicks = startTicksOf(pid)!;
  child.kill('SIGKILL');
  await new Promise((resolve) => child.on('exit', resolve));
  return { pid, startTicks };
}

async function register(name: string, fields: Record<string, unknown>): Promise<void> {
  const entry = { name, labels: [], host: hostname(), concurrency: 1, running: [], startedAt: new Date().toISOString(), lastSeen: new Date().toISOString(), ...fields };
  await client.hset('ksa:workers', name, JSON.stringify(entry));
  await client.set(`ksa:worker-name:${name}`, 'old-token', 'PX', 10_000);
}

describe('claimWorkerName of a name whose registered worker', () => {
  it('died on this machine: is taken over at once', async () => {
    const gone = await endedProcess();
    await register('box-a', { pid: gone.pid, bootId: currentBootId(), startTicks: gone.startTicks });
    await claimWorkerName(client, 'box-a', 'new-token');
    expect(await client.get('ksa:worker-name:box-a')).toBe('new-token');
  });

  it('was killed and is not reaped yet (a zombie of a shell that started it): is taken over at once', async () => {
    const zombie = await startZombie();
    try {
      await register('box-z', { pid: zombie.pid, bootId: currentBootId(), startTicks: startTicksOf(zombie.pid) });
      await claimWorkerName(client, 'box-z', 'new-token');
      expect(await client.get('ksa:worker-name:box-z')).toBe('new-token');
    } finally {
      zombie.stop();
    }
  });

  it('lives on this machine: is refused', async () => {
    await register('box-b', { pid: process.pid, bootId: currentBootId(), startTicks: startTicksOf(process.pid) });
    await expect(claimWorkerName(client, 'box-b', 'new-token')).rejects.toBeInstanceOf(WorkerNameTakenError);
    expect(await client.get('ksa:worker-name:box-b')).toBe('old-token');
  });

  it('ran on another machine, or did not say which process it was: is refused while its entry is fresh', async () => {
    const gone = await endedProcess();
    await register('box-c', { pid: gone.pid, bootId: 'another-boot', startTicks: gone.startTicks });
    await expect(claimWorkerName(client, 'box-c', 'new-token')).rejects.toBeInstanceOf(WorkerNameTakenError);
    await register('box-d', { pid: gone.pid });
    await expect(claimWorkerName(client, 'box-d', 'new-token')).rejects.toBeInstanceOf(WorkerNameTakenError);
    await register('box-e', { pid: gone.pid, host: 'elsewhere', bootId: currentBootId(), startTicks: gone.startTicks });
    await expect(claimWorkerName(client, 'box-e', 'new-token')).rejects.toBeInstanceOf(WorkerNameTakenError);
  });
});
