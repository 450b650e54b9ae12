import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readProcessGroups, recordProcessGroups } from '../../src/store/index.js';
import { stopLeftoverGroups } from '../../src/tools/index.js';
import { currentBootId, startTicksOf } from '../../src/tools/process-identity.js';
import { createTempDir, isProcessAlive, waitFor } from '../helpers/tool-context.js';

// What a crashed run left running is stopped on resume, but only a group that is
// provably still its own: a recorded group id may belong to someone else by then.

let dir: string;
let cleanup: () => Promise<void>;
const leftovers: number[] = [];
beforeEach(async () => {
  ({ dir, cleanup } = await createTempDir('ksa-leftover-groups-'));
});
afterEach(async () => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  await cleanup();
});

/** A shell leading its own group, as a step's process does. */
function groupLeader(script: string): number {
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  child.unref();
  leftovers.push(child.pid!);
  return child.pid!;
}

function groupAlive(id: number): boolean {
  try {
    process.kill(-id, 0);
    return true;
  } catch {
    return false;
  }
}

describe.runIf(currentBootId() !== undefined)('stopLeftoverGroups', () => {
  it('stops a recorded group whose leader still has its recorded start time, and names it', async () => {
    const id = groupLeader('sleep 30; true');
    recordProcessGroups(dir, [{ id, startTicks: startTicksOf(id)! }]);
    const { stopped, unsure } = await stopLeftoverGroups(await readProcessGroups(dir), 500);
    expect(stopped).toEqual([{ id, command: 'sh -c sleep 30; true' }]);
    expect(unsure).toEqual([]);
    expect(await waitFor(() => !isProcessAlive(id), 3000)).toBe(true);
  });

  it('leaves alone a group whose id now belongs to a process that started at another time (the id was reused)', async () => {
    const id = groupLeader('sleep 30; true');
    recordProcessGroups(dir, [{ id, startTicks: startTicksOf(id)! - 1 }]);
    expect(await stopLeftoverGroups(await readProcessGroups(dir), 500)).toEqual({ stopped: [], unsure: [] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(groupAlive(id)).toBe(true);
  });

  it('leaves alone, and names as unsure, a live group whose leader is gone: nothing shows it is still the recorded one', async () => {
    const id = groupLeader(`cd ${JSON.stringify(dir)} && { sleep 30 & echo $! > member.pid; while [ ! -f go ]; do sleep 0.02; done; }`);
    const member = await waitFor(async () => (await readFile(path.join(dir, 'member.pid'), 'utf8').catch(() => '')).trim() !== '', 3000).then(async () => Number(await readFile(path.join(dir, 'member.pid'), 'utf8')));
    leftovers.push(member);
    const recordedTicks = startTicksOf(id);
    await writeFile(path.join(dir, 'go'), '');
    // Exited and reaped: no process has that pid now, only its group lives on.
    expect(await waitFor(() => startTicksOf(id) === undefined, 3000)).toBe(true);
    recordProcessGroups(dir, [{ id, startTicks: recordedTicks! }]);
    const { stopped, unsure } = await stopLeftoverGroups(await readProcessGroups(dir), 500);
    expect(stopped).toEqual([]);
    expect(unsure.map((group) => group.id)).toEqual([id]);
    expect(isProcessAlive(member)).toBe(true);
  }, 10_000);

  it('a record without start times (an older ksa) is trusted as before', async () => {
    const id = groupLeader('sleep 30; true');
    recordProcessGroups(dir, [{ id }]);
    const { stopped } = await stopLeftoverGroups(await readProcessGroups(dir), 500);
    expect(stopped.map((group) => group.id)).toEqual([id]);
    expect(await waitFor(() => !isProcessAlive(id), 3000)).toBe(true);
  });
});
