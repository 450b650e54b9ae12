import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, startKsa } from '../helpers/cli.js';
import { fleetScenarios, startWorker } from '../helpers/fleet.js';
import { isProcessAlive, waitFor } from '../helpers/tool-context.js';

// A worker killed with kill -9 leaves the processes of its steps running (its attempts are lost and
// retried elsewhere, but the old processes go on changing things). Started again under its --name,
// with the same KSA_HOME, it stops them first, as `ksa resume` does for a local run.

const fleet = fleetScenarios('ksa-fleet-leftovers-');

describe('workers: what a killed worker left running', () => {
  it('is stopped by the next worker of that name, which says so', async () => {
    const { redis, dir, home, workers } = await fleet.setup('leftovers', ['box-1']);
    const planFile = await fleet.sandbox.writePlan('leftovers/plan.yaml', `goal: Outlive the worker
steps:
  - id: slow
    tool: shell
    args: { command: "echo $$ > slow.pid; exec sleep 60" }
`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url, '--worker-wait', '2s'], { home, cwd: dir, timeoutMs: 60_000 });
    const pid = await eventually(() => (existsSync(path.join(dir, 'slow.pid')) ? Number(readFileSync(path.join(dir, 'slow.pid'), 'utf8')) : undefined), 20_000);
    fleet.orphans.add(pid);
    // Killed only once it has recorded the step's process group: what its successor reads to stop.
    const recorded = path.join(home, 'workers', 'box-1', 'processes.json');
    await eventually(() => (existsSync(recorded) && (JSON.parse(readFileSync(recorded, 'utf8')) as { groups?: number[] }).groups?.includes(pid) ? true : undefined), 20_000);
    workers.get('box-1')!.kill('SIGKILL');
    await workers.get('box-1')!.result;
    expect(isProcessAlive(pid)).toBe(true);

    // Its name is free once Redis stops hearing from it (a few seconds with the tests' timings).
    const again = await eventually(() => startWorker(redis.url, 'box-1', { cwd: dir, home }).catch(() => undefined), 30_000, 500);
    workers.set('box-1', again);
    await again.waitForOutput((stdout) => stdout.includes('stopped 1 process group left running by an earlier worker named box-1'), 20_000);
    expect(await waitFor(() => !isProcessAlive(pid), 5000)).toBe(true);
    run.kill('SIGKILL');
    await run.result;
  }, 90_000);
});
