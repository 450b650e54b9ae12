import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerNameTakenError } from '../../src/workers/index.js';
import { claimWorkerName } from '../../src/workers/worker-registry.js';
import { currentBootId, isZombie, startTicksOf } from '../../src/tools/process-identity.js';
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

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not so after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

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
    // The inner shell exits once its parent has become sleep, which never reaps it. Exiting at once, it could end
    // before the exec, and the shell would reap it then: no zombie to wait for.
    const inner = `while [ "$(cat /proc/$PPID/comm)" != sleep ]; do sleep 0.02; done`;
    const parent = spawn('sh', ['-c', `sh -c '${inner}' & echo $!; exec sleep 10`], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()))));
      // A busy machine may take a while to run the inner shell to its end: waited for, not guessed.
      await until(() => isZombie(zombie));
      await register('box-z', { pid: zombie, bootId: currentBootId(), startTicks: startTicksOf(zombie) });
      await claimWorkerName(client, 'box-z', 'new-token');
      expect(await client.get('ksa:worker-name:box-z')).toBe('new-token');
    } finally {
      parent.kill('SIGKILL');
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
