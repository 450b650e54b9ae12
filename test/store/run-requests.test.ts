import { existsSync } from 'node:fs';
import { open, readdir, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requestCancel, requestPause, watchCancelRequest, watchPauseRequest, type LockOwner } from '../../src/store/index.js';
import { createTempDir, waitFor } from '../helpers/tool-context.js';

// A request (pause, cancel) is read by an owner that polls while another ksa writes it: the owner must never
// take a file caught between its creation and its content for the whole request (and remove it, losing it).

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await createTempDir('ksa-store-requests-'));
});
afterEach(async () => {
  await cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates the file empty, lets the owner poll it a few times, then writes `text` into that same file. */
async function writeSlowly(file: string, parts: readonly string[]): Promise<void> {
  const handle = await open(file, 'w', 0o600);
  try {
    for (const part of parts) {
      await sleep(150);
      await handle.write(part);
    }
  } finally {
    await handle.close();
  }
}

describe('requests to a run owner', () => {
  it('a pause request caught while it is written (empty, then half) is followed once written, not lost', async () => {
    const seen: boolean[] = [];
    const stop = watchPauseRequest(dir, (paused) => seen.push(paused), 20);
    try {
      const text = JSON.stringify({ paused: true, by: 1, to: process.pid, host: hostname() });
      await writeSlowly(path.join(dir, 'pause.request'), [text.slice(0, 10), text.slice(10)]);
      expect(await waitFor(() => seen.length === 1, 2000)).toBe(true);
      expect(seen).toEqual([true]);
      expect(existsSync(path.join(dir, 'pause.request'))).toBe(false);
    } finally {
      stop();
    }
  });

  it('a cancel request caught half written is read whole: one addressed to another owner is set aside, not followed', async () => {
    let cancels = 0;
    const notes: string[] = [];
    const stop = watchCancelRequest(dir, () => cancels++, 20, (note) => notes.push(note));
    try {
      const text = JSON.stringify({ requestedAt: new Date().toISOString(), by: 1, to: process.pid + 100_000, host: hostname() });
      await writeSlowly(path.join(dir, 'cancel.request'), [text.slice(0, 12), text.slice(12)]);
      expect(await waitFor(() => !existsSync(path.join(dir, 'cancel.request')), 2000)).toBe(true);
      await sleep(100);
      expect(cancels).toBe(0);
      expect(notes).toHaveLength(1);
    } finally {
      stop();
    }
  });

  it('a file that never parses is removed once it is old, and a later request is followed', async () => {
    const seen: boolean[] = [];
    const stop = watchPauseRequest(dir, (paused) => seen.push(paused), 20);
    try {
      await writeSlowly(path.join(dir, 'pause.request'), ['not json']);
      expect(await waitFor(() => !existsSync(path.join(dir, 'pause.request')), 5000)).toBe(true);
      const owner: LockOwner = { pid: process.pid, hostname: hostname(), startedAt: '', command: 'self' };
      await requestPause(dir, owner, false);
      expect(await waitFor(() => seen.length === 1, 2000)).toBe(true);
      expect(seen).toEqual([false]);
    } finally {
      stop();
    }
  }, 10_000);

  it('requestPause and requestCancel leave only their 0600 request files, written whole (no temp files)', async () => {
    // Not the owner (no start time recorded): no signal is sent, the files stay for its poll.
    const owner: LockOwner = { pid: process.pid, hostname: hostname(), startedAt: '', command: 'ksa run' };
    await requestPause(dir, owner, true);
    await requestCancel(dir, owner);
    expect((await readdir(dir)).sort()).toEqual(['cancel.request', 'pause.request']);
    for (const name of ['cancel.request', 'pause.request']) expect((await stat(path.join(dir, name))).mode & 0o777).toBe(0o600);
  });

  it('signals that come while a request is read take it once: a cancel set aside is said once, a pause followed once', async () => {
    const notes: string[] = [];
    const seen: boolean[] = [];
    // Long polls: only the signals read the files here.
    const stopCancel = watchCancelRequest(dir, () => {}, 60_000, (note) => notes.push(note));
    const stopPause = watchPauseRequest(dir, (paused) => seen.push(paused), 60_000);
    try {
      const to = { to: process.pid + 100_000, host: hostname() };
      await writeFile(path.join(dir, 'cancel.request'), JSON.stringify({ requestedAt: new Date().toISOString(), by: 1, ...to }));
      await writeFile(path.join(dir, 'pause.request'), JSON.stringify({ paused: true, by: 1, to: process.pid, host: hostname() }));
      for (let i = 0; i < 5; i++) process.emit('SIGUSR2', 'SIGUSR2');
      expect(await waitFor(() => !existsSync(path.join(dir, 'cancel.request')) && !existsSync(path.join(dir, 'pause.request')), 2000)).toBe(true);
      await sleep(100);
      expect(notes).toHaveLength(1);
      expect(seen).toEqual([true]);
    } finally {
      stopCancel();
      stopPause();
    }
  });
});
