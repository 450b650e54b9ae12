import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, eventually, parseNdjson, startKsa } from '../helpers/cli.js';
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

/** A plan whose one step runs a named container in the foreground, retried once should its worker be lost. */
async function containerPlan(scenario: string) {
  const name = `ksa-test-worker-${suffix}-${scenario}`;
  names.push(name);
  const setup = await fleet.setup(scenario, ['box-1']);
  const planFile = await fleet.sandbox.writePlan(`${scenario}/plan.yaml`, `goal: A container outlives its worker
steps:
  - id: fg
    tool: podman
    args: { args: [run, --rm, --name, ${name}, ${IMAGE}, /bin/sleep, "600"] }
    retry: { maxAttempts: 2, initialDelayMs: 200 }
`);
  const run = startKsa(['run', planFile, '--yes', '--json', '--redis', setup.redis.url, '--worker-wait', '60s'], { home: setup.home, cwd: setup.dir, timeoutMs: 90_000 });
  const record = path.join(setup.home, 'workers', 'box-1', 'containers.json');
  await eventually(() => (containerRunning(name) && existsSync(record) ? true : undefined), 30_000, 100);
  return { ...setup, name, run, record };
}

describe.skipIf(PODMAN_MISSING)('workers: the container a killed worker left running', () => {
  it('is removed by the next worker of that name before it takes a job: the step\'s retry gets the name back', async () => {
    const { redis, dir, home, workers, name, run } = await containerPlan('killed');
    workers.get('box-1')!.kill('SIGKILL');
    await workers.get('box-1')!.result;
    expect(containerRunning(name)).toBe(true);
    const id = spawnSync('podman', ['container', 'inspect', '--format', '{{.Id}}', name], { encoding: 'utf8' }).stdout.trim();
    // The lost attempt's retry waits in the queue for a worker.
    await run.waitForOutput((stdout) => stdout.includes('"step_retrying"'), 30_000);

    // Its name is free once Redis stops hearing from it (a few seconds with the tests' timings).
    const again = await eventually(() => startWorker(redis.url, 'box-1', { cwd: dir, home }).catch(() => undefined), 30_000, 500);
    workers.set('box-1', again);
    await again.waitForOutput((stdout) => stdout.includes(`removed 1 container left running by an earlier worker named box-1: ${name}`), 30_000);
    // The retry runs a new container under the name.
    await eventually(() => (containerRunning(name) && spawnSync('podman', ['container', 'inspect', '--format', '{{.Id}}', name], { encoding: 'utf8' }).stdout.trim() !== id ? true : undefined), 30_000, 200);
    expect(again.stdout()).not.toContain('already in use');
    run.kill('SIGKILL');
    await run.result;
  }, 120_000);

  it('is removed by a second Ctrl-C before the worker exits', async () => {
    const { workers, name, run, record } = await containerPlan('stopped');
    const worker = workers.get('box-1')!;
    worker.kill('SIGINT');
    await worker.waitForOutput((stdout) => stdout.includes('again to stop at once'), 10_000);
    worker.kill('SIGINT');
    await worker.result;
    expect(containerExists(name)).toBe(false);
    expect(worker.stdout()).toContain(`removed 1 container the stopped steps had started: ${name}`);
    expect(worker.stdout()).not.toContain('lost the connection to Redis');
    expect(existsSync(record)).toBe(false);
    run.kill('SIGKILL');
    await run.result;
  }, 120_000);

  it('a worker stopped at once hands its step back only once its container is gone: the retry on another worker gets the name', async () => {
    const name = `ksa-test-worker-${suffix}-handback`;
    names.push(name);
    const { redis, dir, home, workers } = await fleet.setup('handback', []);
    // Removing a container takes a moment on a busy host: a podman whose rm is slow makes the race plain.
    const slow = path.join(dir, 'slow-podman');
    mkdirSync(slow);
    const real = spawnSync('sh', ['-c', 'command -v podman'], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(path.join(slow, 'podman'), `#!/bin/sh\ncase " $* " in *" rm "*) sleep 1.5 ;; esac\nexec ${real} "$@"\n`);
    chmodSync(path.join(slow, 'podman'), 0o755);
    for (const worker of ['box-1', 'box-2']) workers.set(worker, await startWorker(redis.url, worker, { cwd: dir, home, env: { PATH: `${slow}:${process.env.PATH}` } }));
    const planFile = await fleet.sandbox.writePlan('handback/plan.yaml', `goal: Handed back with its container
steps:
  - id: fg
    tool: podman
    args: { args: [run, --rm, --name, ${name}, ${IMAGE}, /bin/sleep, "600"] }
    retry: { maxAttempts: 2, initialDelayMs: 0 }
`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 90_000 });
    await eventually(() => (containerRunning(name) ? true : undefined), 30_000, 100);
    const startedOn = (attempt: number) => (eventsOf(parseNdjson(run.stdout()), 'step_started') as unknown as { attempt: number; worker?: string }[]).find((event) => event.attempt === attempt)?.worker;
    const first = await eventually(() => startedOn(1), 20_000);
    const idOf = () => spawnSync('podman', ['container', 'inspect', '--format', '{{.Id}}', name], { encoding: 'utf8' }).stdout.trim();
    const firstId = idOf();
    const worker = workers.get(first)!;
    worker.kill('SIGINT');
    await worker.waitForOutput((stdout) => stdout.includes('again to stop at once'), 10_000);
    worker.kill('SIGINT');
    await worker.result;
    const other = first === 'box-1' ? 'box-2' : 'box-1';
    expect(await eventually(() => startedOn(2), 30_000)).toBe(other);
    // The retry runs a new container under the name: not refused it by the one being removed.
    await eventually(() => (containerRunning(name) && idOf() !== firstId ? true : undefined), 30_000, 100);
    expect(run.stdout()).not.toContain('already in use');
    run.kill('SIGKILL');
    await run.result;
  }, 120_000);
});
