import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import * as fsPromises from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { RunLock } from '../../src/store/run-lock.js';
import { deadPid } from '../helpers/store-fixtures.js';

// Two `ksa resume` of the same crashed run start at once: exactly one may win.
// The interleaving is made deterministic by slowing down the first unlink() of
// the stale lock (what a busy disk or scheduler does now and then; without the
// delay 4 concurrent acquires still produced two owners in ~9 of 20 trials).

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, unlink: vi.fn(actual.unlink) };
});

let dir: string;
beforeEach(async () => {
  dir = await realpath(await mkdtemp(path.join(tmpdir(), 'ksa-store-race-')));
});
afterEach(async () => {
  vi.mocked(fsPromises.unlink).mockReset();
  await rm(dir, { recursive: true, force: true });
});

it('two concurrent acquires of a stale lock: exactly one owner', async () => {
  const file = path.join(dir, 'owner.lock');
  await writeFile(file, JSON.stringify({ pid: await deadPid(), hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z', command: 'crashed' }));
  const actual = await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises');
  vi.mocked(fsPromises.unlink).mockImplementationOnce(async (target) => {
    await new Promise((resolve) => setTimeout(resolve, 80));
    return actual.unlink(target);
  });

  const results = await Promise.allSettled([RunLock.acquire(dir, 'r', 'ksa resume (A)'), RunLock.acquire(dir, 'r', 'ksa resume (B)')]);
  const winners = results.filter((result) => result.status === 'fulfilled');
  expect(winners, 'both acquires returned a lock').toHaveLength(1);
  expect(JSON.parse(await readFile(file, 'utf8')).pid).toBe(process.pid);
});

it('without the unlucky timing, a stale lock is still taken over by one of two concurrent acquires', async () => {
  const file = path.join(dir, 'owner.lock');
  await writeFile(file, JSON.stringify({ pid: await deadPid(), hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z', command: 'crashed' }));
  const first = await RunLock.acquire(dir, 'r', 'ksa resume (A)');
  await expect(RunLock.acquire(dir, 'r', 'ksa resume (B)')).rejects.toThrow(/is being run by process/);
  await first.release();
});
