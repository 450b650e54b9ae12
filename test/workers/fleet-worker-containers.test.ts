import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startKsa } from '../helpers/cli.js';
import { buildSleepImage, containerExists, containerRunning, PODMAN_MISSING, removeContainers } from '../helpers/containers.js';
import { fleetScenarios, startWorker } from '../helpers/fleet.js';

// A worker killed (kill -9) while its step runs `podman run` in the foreground: the container is not
// in the worker's process tree and goes on, holding its name against the step's next attempt. The
// next worker of that --name (same KSA_HOME) removes it, as `ksa resume` does for a local run.

const suffix = `${process.pid}-${Date.now().toString(36)}`;
const IMAGE = `localhost/ksa-test-sleep:worker-${suffix}`;
const fleet = fleetScenarios('ksa-fleet-containers-');
const names: string[] = [];

beforeAll(async () => {
  if (PODMAN_MISSING) return;
  await buildSleepImage(path.join(fleet.sandbox.dir, 'image'), IMAGE);
}, 120_000);
afterEach(() => {
  if (names.length > 0) removeContainers(...names.splice(0));
});
afterAll(() => {
  if (!PODMAN_MISSING) spawnSync('podman', ['rmi', '-f', IMAGE]);
});

describe.skipIf(PODMAN_MISSING)('workers: the container a killed worker left running', () => {
  it('is removed by the next worker of that name, which says so', async () => {
    const name = `ksa-test-worker-${suffix}`;
    names.push(name);
    const { redis, dir, home, workers } = await fleet.setup('containers', ['box-1']);
    const planFile = await fleet.sandbox.writePlan('containers/plan.yaml', `goal: A container outlives its worker
steps:
  - id: fg
    tool: podman
    args: { args: [run, --rm, --name, ${name}, ${IMAGE}, /bin/sleep, "600"] }
`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url, '--worker-wait', '2s'], { home, cwd: dir, timeoutMs: 90_000 });
    const record = path.join(home, 'workers', 'box-1', 'containers.json');
    await eventually(() => (containerRunning(name) && existsSync(record) ? true : undefined), 30_000, 100);
    workers.get('box-1')!.kill('SIGKILL');
    await workers.get('box-1')!.result;
    expect(containerRunning(name)).toBe(true);

    // Its name is free once Redis stops hearing from it (a few seconds with the tests' timings).
    const again = await eventually(() => startWorker(redis.url, 'box-1', { cwd: dir, home }).catch(() => undefined), 30_000, 500);
    workers.set('box-1', again);
    await again.waitForOutput((stdout) => stdout.includes(`removed 1 container left running by an earlier worker named box-1: ${name}`), 30_000);
    expect(containerExists(name)).toBe(false);
    run.kill('SIGKILL');
    await run.result;
  }, 120_000);
});
