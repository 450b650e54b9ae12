import { spawn } from 'node:child_process';
import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearCancelRequest, readLockOwner, readProcessGroups, recordProcessGroups, requestCancel, RunBusyError, RunLock, watchCancelRequest } from '../../src/store/index.js';
import { createTempDir, waitFor } from '../helpers/tool-context.js';
import { deadPid, modeOf } from '../helpers/store-fixtures.js';

// One writer per run: owner.lock names the owner's pid; a live owner makes a
// second acquire fail with RunBusyError naming it; a dead owner's lock is taken over.

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await createTempDir('ksa-store-lock-'));
});
afterEach(async () => {
  await cleanup();
});

const lockFile = () => path.join(dir, 'owner.lock');
const writeOwner = (pid: number, extra: Record<string, unknown> = {}) =>
  writeFile(lockFile(), JSON.stringify({ pid, hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z', command: 'ksa run other.yaml', ...extra }));

describe('RunLock', () => {
  it('acquire writes a 0600 lock naming this process; release removes it', async () => {
    const lock = await RunLock.acquire(dir, 'r1', 'ksa run plan.yaml');
    expect(await modeOf(lockFile())).toBe(0o600);
    const owner = await readLockOwner(dir);
    expect(owner).toMatchObject({ pid: process.pid, hostname: hostname(), command: 'ksa run plan.yaml' });
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
    // Released: it can be taken again.
    await (await RunLock.acquire(dir, 'r1', 'again')).release();
  });

  it('a second acquire while the owner lives fails with RunBusyError naming the pid', async () => {
    const lock = await RunLock.acquire(dir, 'r1', 'ksa run plan.yaml');
    const error = await RunLock.acquire(dir, 'r1', 'ksa resume r1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RunBusyError);
    expect((error as RunBusyError).owner.pid).toBe(process.pid);
    expect((error as Error).message).toContain(`process ${process.pid}`);
    expect((error as Error).message).toContain('ksa cancel r1');
    await lock.release();
  });

  it('a lock held by another live process is refused; once that process exits it is taken over', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('close', resolve));
    try {
      await writeOwner(child.pid!);
      const error = await RunLock.acquire(dir, 'r2', 'ksa resume r2').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RunBusyError);
      expect((error as RunBusyError).owner.pid).toBe(child.pid);
      expect((error as Error).message).toMatch(new RegExp(`run r2 is being run by process ${child.pid} \\(ksa run other\\.yaml`));
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const lock = await RunLock.acquire(dir, 'r2', 'ksa resume r2');
    expect((await readLockOwner(dir))?.pid).toBe(process.pid);
    await lock.release();
  });

  it('a stale lock (its pid is dead) is taken over', async () => {
    await writeOwner(await deadPid());
    const lock = await RunLock.acquire(dir, 'r3', 'ksa resume r3');
    expect(await readLockOwner(dir)).toMatchObject({ pid: process.pid, command: 'ksa resume r3' });
    await lock.release();
  });

  it('an empty lock file left by a crash between create and write is taken over once it is old', async () => {
    await writeFile(lockFile(), '');
    const old = new Date(Date.now() - 60_000);
    await utimes(lockFile(), old, old);
    const lock = await RunLock.acquire(dir, 'r4', 'ksa resume r4');
    expect((await readLockOwner(dir))?.pid).toBe(process.pid);
    await lock.release();
  });

  it('release() leaves a lock that another process has taken since alone', async () => {
    const lock = await RunLock.acquire(dir, 'r5', 'mine');
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    try {
      await writeOwner(other.pid!);
      await lock.release();
      expect((await readLockOwner(dir))?.pid).toBe(other.pid);
    } finally {
      other.kill('SIGKILL');
    }
  });
});

describe('cancel requests and process groups', () => {
  it('requestCancel writes a 0600 request and wakes the owner with SIGUSR2; the watcher fires once and removes it', async () => {
    let cancels = 0;
    const stop = watchCancelRequest(dir, () => cancels++, 60_000); // only the signal can wake it this fast
    try {
      await requestCancel(dir, { pid: process.pid, hostname: hostname(), startedAt: '', command: 'self' });
      expect(await waitFor(() => cancels === 1, 2000)).toBe(true);
      expect(await readdir(dir)).not.toContain('cancel.request');
      await requestCancel(dir, { pid: process.pid, hostname: hostname(), startedAt: '', command: 'self' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(cancels).toBe(1);
    } finally {
      stop();
      await clearCancelRequest(dir);
    }
  });

  it('a request file written while no signal arrives is found by the poll', async () => {
    let cancels = 0;
    const stop = watchCancelRequest(dir, () => cancels++, 30);
    try {
      await writeFile(path.join(dir, 'cancel.request'), '{}');
      expect(await waitFor(() => cancels === 1, 2000)).toBe(true);
    } finally {
      stop();
    }
  });

  it('recordProcessGroups / readProcessGroups round-trip (0600), junk is ignored', async () => {
    recordProcessGroups(dir, [4242, 4343]);
    expect(await readProcessGroups(dir)).toEqual([4242, 4343]);
    expect(await modeOf(path.join(dir, 'processes.json'))).toBe(0o600);
    expect(JSON.parse(await readFile(path.join(dir, 'processes.json'), 'utf8')).pid).toBe(process.pid);
    await writeFile(path.join(dir, 'processes.json'), '{"groups":[1,0,-5,"x",77.5,99]}');
    expect(await readProcessGroups(dir)).toEqual([99]);
    await writeFile(path.join(dir, 'processes.json'), 'garbage');
    expect(await readProcessGroups(dir)).toEqual([]);
  });
});
