import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventsOf, parseNdjson, runKsa, type CliSandbox } from '../helpers/cli.js';
import { buildSleepImage, containerExists, PODMAN_MISSING } from '../helpers/containers.js';

// A `podman run` step stopped by its timeout, with real podman: the container
// it started must not outlive the step (killing the client does not stop it),
// so a retry can reuse the name and nothing is left running after the run.

const suffix = `${process.pid}-${Date.now().toString(36)}`;
const NAME = `ksa-test-stop-${suffix}`;
const FAILING = `ksa-test-failstart-${suffix}`;
const IMAGE = `localhost/ksa-test-sleep:${suffix}`;

let sandbox: CliSandbox;

beforeAll(async () => {
  if (PODMAN_MISSING) return;
  sandbox = await createCliSandbox('ksa-container-stop-');
  await buildSleepImage(path.join(sandbox.dir, 'image'), IMAGE);
}, 120_000);

afterAll(async () => {
  if (PODMAN_MISSING) return;
  spawnSync('podman', ['rm', '-f', '-t', '0', NAME, FAILING]);
  spawnSync('podman', ['rmi', '-f', IMAGE]);
  await sandbox?.cleanup();
});

describe.skipIf(PODMAN_MISSING)('a podman run step that times out', () => {
  it('has its container removed after each attempt, so the retry is not refused the name and nothing is left running', async () => {
    const plan = await sandbox.writePlan(
      'plan.yaml',
      [
        'goal: Run a container that hangs',
        'steps:',
        '  - id: hang',
        '    tool: podman',
        `    args: { args: [run, --name, ${NAME}, ${IMAGE}, /bin/sleep, "600"] }`,
        '    timeoutMs: 3000',
        '    retry: { maxAttempts: 2, initialDelayMs: 100 }',
      ].join('\n'),
    );
    const result = await runKsa(['run', plan, '--yes', '--json'], { home: sandbox.home, cwd: sandbox.dir, timeoutMs: 90_000 });
    expect(result.code, describeResult(result)).toBe(1);
    const events = parseNdjson(result.stdout);
    // Both attempts ran the container and timed out; without the removal the
    // second would fail at once: the name is in use.
    const retrying = eventsOf(events, 'step_retrying', 'hang');
    expect(retrying).toHaveLength(1);
    expect(JSON.stringify(retrying[0])).toContain('timed out after 3000 ms');
    const failed = eventsOf(events, 'step_failed', 'hang');
    expect(JSON.stringify(failed[0])).toContain('attempt 2 timed out after 3000 ms');
    expect(containerExists(NAME)).toBe(false);
  }, 120_000);
});

describe.skipIf(PODMAN_MISSING)('a podman run step whose container cannot start', () => {
  it('has the created container removed, so each retry fails on the first cause, not on the name', async () => {
    const plan = await sandbox.writePlan(
      'failstart.yaml',
      [
        'goal: Run a container whose command is missing',
        'steps:',
        '  - id: start',
        '    tool: podman',
        `    args: { args: [run, -d, --name, ${FAILING}, ${IMAGE}, /bin/no-such-binary] }`,
        '    retry: { maxAttempts: 2, initialDelayMs: 100 }',
      ].join('\n'),
    );
    const result = await runKsa(['run', plan, '--yes', '--json'], { home: sandbox.home, cwd: sandbox.dir, timeoutMs: 90_000 });
    expect(result.code, describeResult(result)).toBe(1);
    const events = parseNdjson(result.stdout);
    const attempts = [...eventsOf(events, 'step_retrying', 'start'), ...eventsOf(events, 'step_failed', 'start')].map((event) => JSON.stringify(event));
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) {
      expect(attempt).toContain('no-such-binary');
      expect(attempt).not.toContain('already in use');
    }
    expect(containerExists(FAILING)).toBe(false);
  }, 120_000);
});
