import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { killAllProcessGroups, liveProcessGroups, runProcess, shellTool } from '../../src/tools/index.js';
import { createTempDir, createToolContext, isProcessAlive, waitFor } from '../helpers/tool-context.js';

let ws: string;
let cleanup: () => Promise<void>;
const leftovers: number[] = [];

beforeEach(async () => {
  ({ dir: ws, cleanup } = await createTempDir());
});

afterEach(async () => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await cleanup();
});

async function readPids(file: string, count: number): Promise<number[]> {
  let pids: number[] = [];
  const ok = await waitFor(async () => {
    const text = await readFile(path.join(ws, file), 'utf8').catch(() => '');
    pids = text.split(/\s+/).filter(Boolean).map(Number);
    return pids.length >= count;
  });
  expect(ok, `${file} should list ${count} pids`).toBe(true);
  leftovers.push(...pids);
  return pids;
}

describe('abort', () => {
  it('kills the whole process tree and rejects with the signal reason', async () => {
    const controller = new AbortController();
    const run = shellTool.execute(
      { command: 'echo $$ >> pids; sleep 30 & echo $! >> pids; sleep 30 & echo $! >> pids; wait' },
      createToolContext(ws, controller.signal),
    );
    const pids = await readPids('pids', 3);
    expect(pids.every(isProcessAlive)).toBe(true);
    const reason = new Error('attempt 1 timed out after 100 ms');
    controller.abort(reason);
    await expect(run).rejects.toBe(reason);
    expect(await waitFor(() => pids.every((pid) => !isProcessAlive(pid)), 1500)).toBe(true);
  });

  it('kills grandchildren that a node child spawned', async () => {
    await writeFile(
      path.join(ws, 'spawner.cjs'),
      `const { spawn } = require('node:child_process');
const fs = require('node:fs');
const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
fs.writeFileSync('tree.pids', process.pid + ' ' + grandchild.pid);
setInterval(() => {}, 1000);`,
    );
    const controller = new AbortController();
    const run = shellTool.execute({ command: `"${process.execPath}" spawner.cjs` }, createToolContext(ws, controller.signal));
    const pids = await readPids('tree.pids', 2);
    controller.abort(new Error('cancelled'));
    await expect(run).rejects.toThrow('cancelled');
    expect(await waitFor(() => pids.every((pid) => !isProcessAlive(pid)), 1500)).toBe(true);
  });

  it('escalates to SIGKILL after the grace period for a tree that ignores SIGTERM', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const run = runProcess({
      command: "trap '' TERM; echo $$ > stubborn.pids; sleep 30 & echo $! >> stubborn.pids; while :; do sleep 0.05; done",
      shell: true,
      workspace: ws,
      signal: controller.signal,
      killGraceMs: 300,
    });
    const pids = await readPids('stubborn.pids', 2);
    controller.abort(new Error('stop'));
    await expect(run).rejects.toThrow('stop');
    expect(await waitFor(() => pids.every((pid) => !isProcessAlive(pid)), 2000)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('does not start anything when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await expect(shellTool.execute({ command: 'echo started > started' }, createToolContext(ws, controller.signal))).rejects.toThrow('too late');
    await expect(readFile(path.join(ws, 'started'))).rejects.toThrow();
  });
});

describe('background processes', () => {
  it('a nohup … & step completes at once and its process keeps running', async () => {
    // Its process sleeps past the test's timeout: the step completed without waiting for it, as it still runs.
    const output = await shellTool.execute({ command: 'nohup sleep 60 >/dev/null 2>&1 & echo $$ $!' }, createToolContext(ws));
    const [group, pid] = output.stdout.split(' ').map(Number) as [number, number];
    leftovers.push(pid);
    expect(isProcessAlive(pid)).toBe(true);
    // Not a running step any more: stopping everything must leave it alone.
    expect(liveProcessGroups()).not.toContain(group);
    killAllProcessGroups('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isProcessAlive(pid)).toBe(true);
  });
});

describe('killAllProcessGroups', () => {
  it('stops the running steps at once', async () => {
    const run = shellTool.execute({ command: 'echo $$ > all.pids; sleep 30 & echo $! >> all.pids; wait' }, createToolContext(ws));
    const pids = await readPids('all.pids', 2);
    expect(liveProcessGroups()).toContain(pids[0]);
    expect(killAllProcessGroups()).toBeGreaterThanOrEqual(1);
    await expect(run).rejects.toThrow('command was killed by SIGKILL');
    expect(await waitFor(() => pids.every((pid) => !isProcessAlive(pid)), 1500)).toBe(true);
    expect(liveProcessGroups()).not.toContain(pids[0]);
  });
});
