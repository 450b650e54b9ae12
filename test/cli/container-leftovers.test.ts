import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventually, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { buildSleepImage, containerExists, containerRunning, PODMAN_MISSING, removeContainers } from '../helpers/containers.js';
import { runIdsOnDisk } from '../helpers/durable.js';

// A `ksa run` that dies (kill -9) or is stopped at once (a second Ctrl-C) while a
// `podman run` step runs, with real podman: the container is not in ksa's process
// tree, so it outlives the client. ksa records it with the run, and resume and
// cancel remove it; a retry gets its name back.

const suffix = `${process.pid}-${Date.now().toString(36)}`;
const IMAGE = `localhost/ksa-test-sleep:leftover-${suffix}`;
let sandbox: CliSandbox;
let names: string[] = [];
let counter = 0;

beforeAll(async () => {
  if (PODMAN_MISSING) return;
  sandbox = await createCliSandbox('ksa-container-leftovers-');
  await buildSleepImage(path.join(sandbox.dir, 'image'), IMAGE);
}, 120_000);

afterEach(() => {
  // Removing the container also ends the podman client a crashed run left behind.
  if (names.length > 0) removeContainers(...names);
  names = [];
});

afterAll(async () => {
  if (PODMAN_MISSING) return;
  spawnSync('podman', ['rmi', '-f', IMAGE]);
  await sandbox?.cleanup();
});

/** A plan whose one step runs a container in the foreground for `seconds` (600 unless given on resume). */
async function containerPlan(): Promise<{ name: string; dir: string; home: string; plan: string }> {
  const name = `ksa-test-leftover-${suffix}-${++counter}`;
  names.push(name);
  const plan = await sandbox.writePlan(
    `${name}/plan.yaml`,
    [
      'goal: Run a container in the foreground',
      'inputs:',
      '  seconds: "600"',
      'steps:',
      '  - id: fg',
      '    tool: podman',
      `    args: { args: [run, --rm, --name, ${name}, ${IMAGE}, /bin/sleep, "{{ inputs.seconds }}"] }`,
    ].join('\n'),
  );
  const dir = path.dirname(plan);
  return { name, dir, home: path.join(dir, 'home'), plan };
}

/** Starts the plan and waits until its container is up and recorded with the run. */
async function startContainerStep(setup: { name: string; dir: string; home: string; plan: string }) {
  const ksa = startKsa(['run', setup.plan, '--yes'], { home: setup.home, cwd: setup.dir, timeoutMs: 60_000 });
  await eventually(() => containerRunning(setup.name) || undefined, 30_000);
  const runId = await eventually(() => runIdsOnDisk(setup.home)[0]);
  const id = spawnSync('podman', ['container', 'inspect', '--format', '{{.Id}}', setup.name], { encoding: 'utf8' }).stdout.trim();
  // Written as soon as the engine wrote the container's id; a crash from then on leaves it known.
  const record = path.join(setup.home, 'runs', runId, 'containers.json');
  await eventually(() => (existsSync(record) && readFileSync(record, 'utf8').includes(id)) || undefined);
  return { ksa, runId };
}

describe.skipIf(PODMAN_MISSING)('a podman run step whose ksa run was killed (kill -9)', () => {
  it('has its container removed by ksa resume, which then runs the step again under the same name', async () => {
    const setup = await containerPlan();
    const { ksa, runId } = await startContainerStep(setup);
    ksa.kill('SIGKILL');
    await ksa.result;
    expect(containerRunning(setup.name)).toBe(true);

    const resumed = await runKsa(['resume', runId, '--yes', '--input', 'seconds=1'], { home: setup.home, cwd: setup.dir, timeoutMs: 60_000 });
    expect(resumed.code, describeResult(resumed)).toBe(0);
    expect(resumed.stderr).toContain(`ksa: removed 1 container left running by the interrupted run: ${setup.name}`);
    expect(resumed.stderr).not.toContain('already in use');
    expect(containerExists(setup.name)).toBe(false);
  }, 120_000);

  it('has its container removed by ksa cancel', async () => {
    const setup = await containerPlan();
    const { ksa, runId } = await startContainerStep(setup);
    ksa.kill('SIGKILL');
    await ksa.result;

    const cancelled = await runKsa(['cancel', runId, '--yes'], { home: setup.home, cwd: setup.dir, timeoutMs: 60_000 });
    expect(cancelled.code, describeResult(cancelled)).toBe(0);
    expect(cancelled.stderr).toContain(`ksa: removed 1 container left running by the interrupted run: ${setup.name}`);
    expect(containerExists(setup.name)).toBe(false);
    // Nothing is left for a second look: the record went with the container.
    expect(existsSync(path.join(setup.home, 'runs', runId, 'containers.json'))).toBe(false);
  }, 120_000);
});

describe.skipIf(PODMAN_MISSING)('a podman run step stopped at once (Ctrl-C twice)', () => {
  it('has its container removed before ksa exits', async () => {
    const setup = await containerPlan();
    const { ksa } = await startContainerStep(setup);
    ksa.kill('SIGINT');
    await ksa.waitForOutput((_, stderr) => stderr.includes('press Ctrl-C again to stop at once'));
    ksa.kill('SIGINT');
    const result = await ksa.result;
    expect(result.code, describeResult(result)).toBe(130);
    // Gone when ksa has exited, not left to a process that outlives it.
    expect(containerExists(setup.name)).toBe(false);
    expect(result.stderr).not.toContain('could not remove');
    // The first Ctrl-C's cancel removes it too, and may be done first (the step then ended cancelled
    // before the stop); otherwise the stop at once removed it, and says so.
    const cancelledFirst = /⊘ fg cancelled[\s\S]*stopped at once/.test(result.stderr);
    if (!cancelledFirst) expect(result.stderr).toContain(`ksa: removed 1 container the stopped steps had started: ${setup.name}`);
  }, 120_000);
});
