import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventsOf, parseNdjson, runKsa, type CliSandbox } from '../helpers/cli.js';
import { expectWellFormedRun, stepIdsOf } from '../helpers/run-events.js';
import { isProcessAlive, waitFor } from '../helpers/tool-context.js';

// A failing step: exit 1, running steps aborted, the rest cancelled, and the
// succeeded steps rolled back newest first, as seen in real files.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

const FAILING_PLAN = `goal: Fail on the third step and roll back
steps:
  - id: one
    tool: shell
    # Waits until "slow" runs, so it is surely running when "three" fails.
    args: { command: "for i in $(seq 200); do [ -s slow.pid ] && break; sleep 0.05; done; echo one >> order.log" }
    rollback: { tool: shell, args: { command: "echo undo-one >> order.log" } }
  - id: two
    tool: shell
    dependsOn: [one]
    args: { command: "echo two >> order.log" }
    rollback: { tool: shell, args: { command: "echo undo-two >> order.log" } }
  - id: no_undo
    tool: shell
    dependsOn: [two]
    args: { command: "echo no_undo >> order.log" }
  - id: three
    tool: shell
    dependsOn: [no_undo]
    args: { command: "echo three failed on purpose >&2; exit 3" }
  - id: four
    tool: shell
    dependsOn: [three]
    args: { command: "echo four >> order.log" }
  - id: five
    tool: shell
    dependsOn: [four]
    args: { command: "echo five >> order.log" }
  - id: slow
    name: Runs alongside and must be aborted
    tool: shell
    args: { command: "echo $$ > slow.pid; exec sleep 30" }
    rollback: { tool: shell, args: { command: "echo undo-slow >> order.log" } }
`;

describe.concurrent('ksa run --yes --json, a plan that fails', () => {
  it('exit 1: step_failed, never-started steps cancelled, running steps aborted, rollback LIFO', async () => {
    const plan = await sandbox.writePlan('fail/plan.yaml', FAILING_PLAN);
    const dir = path.dirname(plan);
    const result = await runKsa(['run', plan, '--yes', '--json'], { home: sandbox.home, cwd: dir });
    expect(result.code, describeResult(result)).toBe(1);
    const events = parseNdjson(result.stdout);
    expect(expectWellFormedRun(events)).toBe('failed');

    const failed = eventsOf(events, 'step_failed');
    expect(failed.map((event) => event.stepId)).toEqual(['three']);
    expect(failed[0]).toMatchObject({ attempt: 1, error: expect.stringMatching(/exited with code 3.*three failed on purpose/) });
    expect(eventsOf(events, 'run_finished')[0]).toMatchObject({ status: 'failed', failedStepId: 'three' });

    // four and five never started; slow was running and was aborted.
    expect(stepIdsOf(events, 'step_cancelled').sort()).toEqual(['five', 'four', 'slow']);
    expect(stepIdsOf(events, 'step_started')).not.toContain('four');
    expect(eventsOf(events, 'step_cancelled', 'four')[0]!.attempt).toBe(0);
    const slowPid = Number(readFileSync(path.join(dir, 'slow.pid'), 'utf8'));
    expect(await waitFor(() => !isProcessAlive(slowPid), 3000), `sleep ${slowPid} still alive`).toBe(true);

    // Only steps that succeeded and have a rollback are undone, newest first.
    const started = eventsOf(events, 'rollback_started');
    expect(started).toHaveLength(1);
    expect(started[0]!.stepIds).toEqual(['two', 'one']);
    expect(stepIdsOf(events, 'rollback_step_succeeded')).toEqual(['two', 'one']);
    const failedAt = events.findIndex((event) => event.type === 'step_failed');
    expect(events.findIndex((event) => event.type === 'rollback_started')).toBeGreaterThan(failedAt);

    // The real order of the commands, as appended to the file.
    expect(readFileSync(path.join(dir, 'order.log'), 'utf8').split('\n').filter(Boolean)).toEqual(['one', 'two', 'no_undo', 'undo-two', 'undo-one']);

    expect(result.stderr).toMatch(/✗ Run failed \(rolled back 2 steps\)/);
    expect(result.stderr).toMatch(/full step logs: .*runs[/\\]/);
  });

  it('a rollback that fails does not stop the others: status rollback_failed, exit 1', async () => {
    const plan = await sandbox.writePlan(
      'rollback-fails/plan.yaml',
      `goal: A rollback fails
steps:
  - id: first
    tool: shell
    args: { command: "echo first >> order.log" }
    rollback: { tool: shell, args: { command: "echo undo-first >> order.log" } }
  - id: second
    tool: shell
    dependsOn: [first]
    args: { command: "echo second >> order.log" }
    rollback: { tool: shell, args: { command: "echo undo-second-fails >> order.log; exit 7" } }
  - id: third
    tool: shell
    dependsOn: [second]
    args: { command: "exit 1" }
`,
    );
    const dir = path.dirname(plan);
    const result = await runKsa(['run', plan, '--yes', '--json'], { home: sandbox.home, cwd: dir });
    expect(result.code, describeResult(result)).toBe(1);
    const events = parseNdjson(result.stdout);
    expect(expectWellFormedRun(events)).toBe('rollback_failed');
    expect(eventsOf(events, 'rollback_step_failed').map((event) => event.stepId)).toEqual(['second']);
    expect(eventsOf(events, 'rollback_step_failed')[0]!.error).toMatch(/code 7/);
    expect(stepIdsOf(events, 'rollback_step_succeeded')).toEqual(['first']);
    expect(readFileSync(path.join(dir, 'order.log'), 'utf8').split('\n').filter(Boolean)).toEqual(['first', 'second', 'undo-second-fails', 'undo-first']);
    expect(result.stderr).toMatch(/rollback of second failed/);
  });
});
