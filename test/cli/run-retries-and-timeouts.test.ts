import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventsOf, parseNdjson, runKsa, type CliSandbox } from '../helpers/cli.js';
import { expectWellFormedRun } from '../helpers/run-events.js';
import { isProcessAlive, waitFor } from '../helpers/tool-context.js';

// Retries and per-attempt timeouts, with real processes and real time.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

describe.concurrent('ksa run: retries and timeouts', () => {
  it('a step that fails twice then succeeds: step_retrying events, exit 0', async () => {
    const plan = await sandbox.writePlan(
      'retry/plan.yaml',
      `goal: Succeed on the third attempt
steps:
  - id: flaky
    tool: shell
    args:
      command: |
        echo x >> attempts; n=$(wc -l < attempts)
        if [ $n -lt 3 ]; then echo "attempt $n fails" >&2; exit 1; fi
        echo "attempt $n works"
    retry: { maxAttempts: 3, initialDelayMs: 50, multiplier: 2 }
  - id: after
    tool: shell
    dependsOn: [flaky]
    args: { command: "echo {{ steps.flaky.output.stdout }} > after.txt" }
`,
    );
    const dir = path.dirname(plan);
    const result = await runKsa(['run', plan, '--yes', '--json'], { home: sandbox.home, cwd: dir });
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseNdjson(result.stdout);
    expect(expectWellFormedRun(events)).toBe('succeeded');

    const retrying = eventsOf(events, 'step_retrying', 'flaky');
    expect(retrying.map((event) => event.attempt)).toEqual([1, 2]);
    for (const event of retrying) {
      expect(event.error).toMatch(/code 1.*fails/);
      expect(event.delayMs).toEqual(expect.any(Number));
    }
    expect(eventsOf(events, 'step_started', 'flaky').map((event) => event.attempt)).toEqual([1, 2, 3]);
    expect(eventsOf(events, 'step_succeeded', 'flaky')).toMatchObject([{ attempt: 3, output: { stdout: 'attempt 3 works' } }]);
    expect(eventsOf(events, 'step_failed')).toEqual([]);
    expect(readFileSync(path.join(dir, 'attempts'), 'utf8').trim().split('\n')).toHaveLength(3);
    expect(readFileSync(path.join(dir, 'after.txt'), 'utf8').trim()).toBe('attempt 3 works');
    expect(result.stderr).toMatch(/↻ flaky attempt 1 failed: .*retrying in/);
  });

  it('when every attempt fails the step fails after maxAttempts: exit 1', async () => {
    const plan = await sandbox.writePlan(
      'retry-exhausted/plan.yaml',
      `goal: Never succeeds
steps:
  - id: broken
    tool: shell
    args: { command: "echo x >> attempts; exit 4" }
    retry: { maxAttempts: 2, initialDelayMs: 20 }
`,
    );
    const dir = path.dirname(plan);
    const result = await runKsa(['run', plan, '--yes', '--json'], { home: sandbox.home, cwd: dir });
    expect(result.code, describeResult(result)).toBe(1);
    const events = parseNdjson(result.stdout);
    expect(expectWellFormedRun(events)).toBe('failed');
    expect(eventsOf(events, 'step_retrying').map((event) => event.attempt)).toEqual([1]);
    expect(eventsOf(events, 'step_failed')).toMatchObject([{ stepId: 'broken', attempt: 2, error: expect.stringMatching(/code 4/) }]);
    expect(readFileSync(path.join(dir, 'attempts'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('timeoutMs is per attempt: a 30 s sleep with 300 ms and 2 attempts is stopped twice before it ends, exit 1', async () => {
    const plan = await sandbox.writePlan(
      'timeout/plan.yaml',
      `goal: Time out
steps:
  - id: slow
    tool: shell
    args: { command: "echo $$ >> pids; sleep 30; echo slept >> finished" }
    timeoutMs: 300
    retry: { maxAttempts: 2, initialDelayMs: 50 }
`,
    );
    const dir = path.dirname(plan);
    // Two whole sleeps outlast this wait: only the timeouts end the run in it.
    const result = await runKsa(['run', plan, '--yes', '--json'], { home: sandbox.home, cwd: dir, timeoutMs: 20_000 });
    expect(result.timedOut, describeResult(result)).toBe(false);
    expect(result.code, describeResult(result)).toBe(1);
    const events = parseNdjson(result.stdout);
    expect(expectWellFormedRun(events)).toBe('failed');
    const finished = eventsOf(events, 'run_finished')[0]!;

    expect(eventsOf(events, 'step_retrying', 'slow')).toMatchObject([{ attempt: 1, error: expect.stringMatching(/timed out/) }]);
    const failed = eventsOf(events, 'step_failed', 'slow');
    expect(failed).toMatchObject([{ attempt: 2, timedOut: true, error: expect.stringMatching(/timed out after 300 ms/) }]);
    expect(finished.error).toMatch(/timed out/);
    expect(result.stderr).toMatch(/timed out/);

    // Each timed-out attempt's process was killed.
    const pids = readFileSync(path.join(dir, 'pids'), 'utf8').trim().split('\n').map(Number);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(await waitFor(() => !isProcessAlive(pid), 3000), `sleep ${pid} still alive`).toBe(true);
    expect(existsSync(path.join(dir, 'finished')), 'an attempt slept to its end').toBe(false);
  });
});
