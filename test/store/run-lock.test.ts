import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearCancelRequest, isOwnerAlive, readLockOwner, readProcessGroups, recordProcessGroups, requestCancel, requestPause, RunBusyError, RunLock, watchCancelRequest, type LockOwner } from '../../src/store/index.js';
import { currentBootId, processStart, startTicksFromStat } from '../../src/tools/process-identity.js';
import { createTempDir, waitFor } from '../helpers/tool-context.js';
import { deadPid, modeOf, runStoreScript } from '../helpers/store-fixtures.js';
import { startZombie } from '../helpers/zombie.js';

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

  it("taking a run removes the temp copies of run.json a killed owner left mid-write (as big as the record), and nothing else", async () => {
    await writeOwner(await deadPid());
    await writeFile(path.join(dir, '.run.json.1ec760b5.tmp'), '{"half":');
    await writeFile(path.join(dir, 'run.json'), '{}');
    await writeFile(path.join(dir, '.processes.json.0a0b0c0d.tmp'), '{}');
    const lock = await RunLock.acquire(dir, 'r1', 'ksa resume r1');
    expect((await readdir(dir)).sort()).toEqual(['.processes.json.0a0b0c0d.tmp', 'owner.lock', 'run.json']);
    await lock.release();
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

// A pid is reused (reboot, restarted container where ksa is pid 1 again, wrap-around): the
// boot id and start time recorded in owner.lock tell the owner from whoever has its pid now.
describe.runIf(currentBootId() !== undefined)('an owner told apart from a later process with its pid', () => {
  /** A live process with no SIGUSR2 handler: the signal would kill it. */
  function bystander() {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    return { pid: child.pid!, exited, stop: () => child.kill('SIGKILL') };
  }

  it('acquire records the boot id and the start time of this process', async () => {
    const lock = await RunLock.acquire(dir, 'r1', 'ksa run plan.yaml');
    expect(await readLockOwner(dir)).toMatchObject({ pid: process.pid, bootId: currentBootId(), startTicks: processStart(process.pid)!.startTicks });
    await lock.release();
  });

  it('a lock whose pid now belongs to a process that started at another time is a dead owner: taken over', async () => {
    const other = bystander();
    try {
      const start = processStart(other.pid)!;
      await writeOwner(other.pid, { bootId: start.bootId, startTicks: start.startTicks - 1 });
      expect(isOwnerAlive((await readLockOwner(dir))!)).toBe(false);
      const lock = await RunLock.acquire(dir, 'r1', 'ksa resume r1');
      expect((await readLockOwner(dir))?.pid).toBe(process.pid);
      await lock.release();
    } finally {
      other.stop();
    }
  });

  it('a lock naming this very pid from another start (a restarted container: ksa is pid 1 again) is taken over, not "running in this process"', async () => {
    const { bootId, startTicks } = processStart(process.pid)!;
    await writeOwner(process.pid, { bootId, startTicks: startTicks + 7 });
    const lock = await RunLock.acquire(dir, 'r1', 'ksa resume r1');
    expect(await readLockOwner(dir)).toMatchObject({ pid: process.pid, startTicks, command: 'ksa resume r1' });
    await lock.release();
  });

  it('a lock whose owner was killed and is not reaped yet (a zombie: its pid and start time still there) is a dead owner', async () => {
    const zombie = await startZombie();
    try {
      const start = processStart(zombie.pid)!;
      await writeOwner(zombie.pid, { bootId: start.bootId, startTicks: start.startTicks });
      expect(isOwnerAlive((await readLockOwner(dir))!)).toBe(false);
    } finally {
      zombie.stop();
    }
  });

  it('a lock from another boot is a dead owner, even with a live pid and the same start time', async () => {
    const { startTicks } = processStart(process.pid)!;
    await writeOwner(process.pid, { bootId: '00000000-0000-0000-0000-000000000000', startTicks });
    expect(isOwnerAlive((await readLockOwner(dir))!)).toBe(false);
  });

  it('a live owner with its recorded start time is alive', async () => {
    const other = bystander();
    try {
      await writeOwner(other.pid, { ...processStart(other.pid) });
      expect(isOwnerAlive((await readLockOwner(dir))!)).toBe(true);
      await expect(RunLock.acquire(dir, 'r1', 'ksa resume r1')).rejects.toBeInstanceOf(RunBusyError);
    } finally {
      other.stop();
    }
  });

  it('cancel and pause requests never signal a process that is not provably the owner', async () => {
    const other = bystander();
    try {
      const start = processStart(other.pid)!;
      const reused: LockOwner = { pid: other.pid, hostname: hostname(), startedAt: '', command: 'ksa run', bootId: start.bootId, startTicks: start.startTicks + 1 };
      const unrecorded: LockOwner = { pid: other.pid, hostname: hostname(), startedAt: '', command: 'ksa run' };
      for (const owner of [reused, unrecorded]) {
        await requestCancel(dir, owner);
        await requestPause(dir, owner, true);
      }
      // Still sleeping: SIGUSR2 would have ended it.
      const signal = await Promise.race([other.exited, new Promise((resolve) => setTimeout(() => resolve('alive'), 300))]);
      expect(signal).toBe('alive');
      // The request files are there for a real owner's poll.
      expect((await readdir(dir)).sort()).toEqual(['cancel.request', 'pause.request']);
    } finally {
      other.stop();
    }
  });

  it('the start time is read after the last ")" of the command name, which may hold spaces and parentheses', () => {
    const rest = 'S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 424242 1000 50';
    expect(startTicksFromStat(`123 (node) ${rest}`)).toBe(424242);
    expect(startTicksFromStat(`123 (a) b (c) d) ${rest}`)).toBe(424242);
    expect(startTicksFromStat('garbage')).toBeUndefined();
  });
});

describe('an owner on another host', () => {
  it('counts as alive (it cannot be checked) and the refusal names the host and how to take the run over', async () => {
    await writeOwner(await deadPid(), { hostname: 'ci-3f9c2a1b' });
    const error = await RunLock.acquire(dir, 'r9', 'ksa resume r9').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RunBusyError);
    expect((error as Error).message).toMatch(/^run r9 is being run by process \d+ on host ci-3f9c2a1b \(ksa run other\.yaml, since [^)]+\); wait for it, or stop it with: ksa cancel r9\. ksa cannot check processes on ci-3f9c2a1b: if that host \(or container\) is gone, delete (.+) and try again$/);
    expect((error as Error).message).toContain(lockFile());
  });
});

describe('cancel requests and process groups', () => {
  it('requestCancel writes a 0600 request and wakes the owner with SIGUSR2; the watcher fires once and removes it', async () => {
    let cancels = 0;
    const stop = watchCancelRequest(dir, () => cancels++, 60_000); // only the signal can wake it this fast
    try {
      const self = { pid: process.pid, hostname: hostname(), startedAt: '', command: 'self', ...processStart(process.pid) };
      await requestCancel(dir, self);
      expect(await waitFor(() => cancels === 1, 2000)).toBe(true);
      expect(await readdir(dir)).not.toContain('cancel.request');
      await requestCancel(dir, self);
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

  it('a request addressed to an earlier owner (dead since) is removed unread by the next one, not followed', async () => {
    let cancels = 0;
    const stop = watchCancelRequest(dir, () => cancels++, 30);
    try {
      await writeFile(path.join(dir, 'cancel.request'), JSON.stringify({ by: 1, to: process.pid + 100_000, host: hostname() }));
      expect(await waitFor(() => !existsSync(path.join(dir, 'cancel.request')), 2000)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(cancels).toBe(0);
      await writeFile(path.join(dir, 'cancel.request'), JSON.stringify({ by: 1, to: process.pid, host: hostname() }));
      expect(await waitFor(() => cancels === 1, 2000)).toBe(true);
    } finally {
      stop();
    }
  });

  // ksa cancel reads the lock, finds its owner alive and signals it; the owner may release the run in between.
  // A process that has held a run must not die of that late signal (its run's exit code would be lost).
  it('a process that held a run and released it lives through a late SIGUSR2, as it would while holding it', async () => {
    const result = await runStoreScript(
      `const lock = await store.RunLock.acquire(${JSON.stringify(dir)}, 'r1', 'ksa run plan.yaml');
await lock.release();
process.kill(process.pid, 'SIGUSR2');
await new Promise((resolve) => setTimeout(resolve, 200));
console.log('alive');`,
    );
    expect(result).toMatchObject({ code: 0, stdout: 'alive\n' });
  });

  it('a request without an address (older ksa) made before the watcher took the run is set aside and said; one made after is followed', async () => {
    let cancels = 0;
    const notes: string[] = [];
    const stop = watchCancelRequest(dir, () => cancels++, 30, (note) => notes.push(note));
    try {
      await writeFile(path.join(dir, 'cancel.request'), JSON.stringify({ requestedAt: new Date(Date.now() - 60_000).toISOString(), by: 1 }));
      expect(await waitFor(() => !existsSync(path.join(dir, 'cancel.request')), 2000)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(cancels).toBe(0);
      expect(notes).toEqual([`a cancel request left by an earlier owner of the run was set aside (not followed); to cancel the run: ksa cancel ${path.basename(dir)}`]);
      await writeFile(path.join(dir, 'cancel.request'), JSON.stringify({ requestedAt: new Date().toISOString(), by: 1 }));
      expect(await waitFor(() => cancels === 1, 2000)).toBe(true);
    } finally {
      stop();
    }
  });

  it('recordProcessGroups / readProcessGroups round-trip (0600) with the leaders\' start times, junk is ignored', async () => {
    recordProcessGroups(dir, [{ id: 4242, startTicks: 777 }, { id: 4343 }]);
    const bootId = currentBootId();
    expect(await readProcessGroups(dir)).toEqual(bootId === undefined ? [{ id: 4242 }, { id: 4343 }] : [{ id: 4242, bootId, startTicks: 777 }, { id: 4343 }]);
    expect(await modeOf(path.join(dir, 'processes.json'))).toBe(0o600);
    expect(JSON.parse(await readFile(path.join(dir, 'processes.json'), 'utf8')).pid).toBe(process.pid);
    // As an older ksa wrote it: ids only.
    await writeFile(path.join(dir, 'processes.json'), '{"groups":[1,0,-5,"x",77.5,99]}');
    expect(await readProcessGroups(dir)).toEqual([{ id: 99 }]);
    await writeFile(path.join(dir, 'processes.json'), 'garbage');
    expect(await readProcessGroups(dir)).toEqual([]);
  });
});
