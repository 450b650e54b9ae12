import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';
import { buildSleepImage, containerExists, containerRunning, PODMAN_MISSING, removeContainers } from '../helpers/containers.js';

// An older ksa (3f65d0e) recorded no containers.json: a run it was killed in while a `podman run` step ran
// left the container up, and its record (no `format`) says only that the step was running.

const suffix = `${process.pid}-${Date.now().toString(36)}`;
const IMAGE = `localhost/ksa-test-sleep:older-${suffix}`;
let sandbox: CliSandbox;
let names: string[] = [];
let counter = 0;

beforeAll(async () => {
  if (PODMAN_MISSING) return;
  sandbox = await createCliSandbox('ksa-older-containers-');
  await buildSleepImage(path.join(sandbox.dir, 'image'), IMAGE);
}, 120_000);
afterEach(() => {
  if (names.length > 0) removeContainers(...names);
  names = [];
});
afterAll(async () => {
  if (PODMAN_MISSING) return;
  spawnSync('podman', ['rmi', '-f', IMAGE]);
  await sandbox?.cleanup();
});

/** The older build's run.json: `first` succeeded, `serve` (the given step) running since `startedAt`. */
function olderRun(serve: Record<string, unknown>, startedAt: string): { home: string; dir: string; runId: string } {
  const key = `older-${++counter}`;
  const dir = path.join(sandbox.dir, key);
  const home = path.join(sandbox.home, key);
  const runId = '20261206-060957-6c30';
  mkdirSync(dir, { recursive: true });
  mkdirSync(path.join(home, 'runs', runId), { recursive: true });
  const plan = { goal: 'Container tool step', inputs: {}, steps: [{ id: 'first', dependsOn: [], tool: 'shell', args: { command: 'echo first' } }, { id: 'serve', dependsOn: ['first'], ...serve }] };
  const state = {
    runId, goal: plan.goal, status: 'running', inputs: {}, startedAt, completed: ['first'],
    steps: { first: { status: 'succeeded', attempts: 1, startedAt, endedAt: startedAt, output: { stdout: 'first\n', stderr: '', exitCode: 0 } }, serve: { status: 'running', attempts: 1, startedAt } },
  };
  writeFileSync(path.join(home, 'runs', runId, 'run.json'), JSON.stringify({ version: 1, approvals: [], runId, goal: plan.goal, createdAt: startedAt, workspace: dir, plan, inputs: {}, allowedEnv: [], state }));
  return { home, dir, runId };
}

/** Starts the container the older run's step had started (detached here: the test stands in for its killed client). */
function startContainer(name: string): void {
  names.push(name);
  const started = spawnSync('podman', ['run', '-d', '--rm', '--name', name, IMAGE, '/bin/sleep', '600'], { encoding: 'utf8' });
  expect(started.status, started.stderr).toBe(0);
}

describe.skipIf(PODMAN_MISSING)('a podman run step an older ksa was killed in (no containers recorded)', () => {
  it('ksa resume removes the container its --name names and runs the step again under that name', async () => {
    const name = `ksa-test-older-${suffix}-resume`;
    const startedAt = new Date().toISOString();
    startContainer(name);
    const { home, dir, runId } = olderRun({ tool: 'podman', args: { args: ['run', '--rm', '--name', name, IMAGE, '/bin/sleep', '0.1'] } }, startedAt);
    const resumed = await runKsa(['resume', runId, '--yes'], { home, cwd: dir, timeoutMs: 60_000 });
    expect(resumed.code, describeResult(resumed)).toBe(0);
    expect(resumed.stderr).toContain(`ksa: removed 1 container left running by the interrupted run: ${name}`);
    expect(resumed.stderr).not.toContain('already in use');
  }, 120_000);

  it('ksa cancel removes it too', async () => {
    const name = `ksa-test-older-${suffix}-cancel`;
    const startedAt = new Date().toISOString();
    startContainer(name);
    const { home, dir, runId } = olderRun({ tool: 'podman', args: { args: ['run', '--rm', '--name', name, IMAGE, '/bin/sleep', '600'] } }, startedAt);
    const cancelled = await runKsa(['cancel', runId, '--yes'], { home, cwd: dir, timeoutMs: 60_000 });
    expect(cancelled.code, describeResult(cancelled)).toBe(0);
    expect(cancelled.stderr).toContain(`ksa: removed 1 container left running by the interrupted run: ${name}`);
    expect(containerExists(name)).toBe(false);
  }, 120_000);

  it('a container of that name made before the step began is not the step\'s: ksa cancel leaves it', async () => {
    const name = `ksa-test-older-${suffix}-other`;
    startContainer(name);
    const { home, dir, runId } = olderRun({ tool: 'podman', args: { args: ['run', '--rm', '--name', name, IMAGE, '/bin/sleep', '600'] } }, new Date(Date.now() + 60_000).toISOString());
    const cancelled = await runKsa(['cancel', runId, '--yes'], { home, cwd: dir, timeoutMs: 60_000 });
    expect(cancelled.code, describeResult(cancelled)).toBe(0);
    expect(cancelled.stderr).not.toContain('removed 1 container');
    expect(containerRunning(name)).toBe(true);
  }, 120_000);

  it('a container run in a shell line cannot be found: ksa cancel says in one line that it may still run', async () => {
    const { home, dir, runId } = olderRun({ tool: 'shell', args: { command: `podman run --rm ${IMAGE} /bin/sleep 600` } }, new Date().toISOString());
    const cancelled = await runKsa(['cancel', runId, '--yes'], { home, cwd: dir, timeoutMs: 60_000 });
    expect(cancelled.code, describeResult(cancelled)).toBe(0);
    expect(cancelled.stderr).toContain(`run ${runId} was started by an older ksa, which did not record the containers its steps started: containers that serve started may still run; check with: podman ps (or docker ps)`);
  }, 120_000);
});
