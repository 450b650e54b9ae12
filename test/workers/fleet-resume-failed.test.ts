import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, eventually, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { ksaJson, lineCounts, statusOf, type StatusDoc, waitForStoredStatus } from '../helpers/durable.js';
import { fleetScenarios, startWorker, waitForJobState } from '../helpers/fleet.js';
import { expectWellFormedRun } from '../helpers/run-events.js';

// A step's job failed on its worker while the run's process was dead (kill -9): ksa resume takes that
// failure as the attempt's end, as it takes a success, and the step's retry policy goes on from there;
// the step is not run again under the same attempt number.

const fleet = fleetScenarios('ksa-fleet-resume-failed-');

describe('workers: ksa resume of a step whose job failed while no ksa watched', () => {
  it('a job a worker took and failed after the kill is attempt 1 (counted, logged): maxAttempts 2 runs attempt 2 only', async () => {
    const { redis, dir, home, workers } = await fleet.setup('queued', []);
    const planFile = await fleet.sandbox.writePlan('queued/plan.yaml', `goal: Fail unwatched
steps:
  - id: g
    runsOn: [gpu]
    tool: shell
    retry: { maxAttempts: 2, initialDelayMs: 10 }
    args: { command: "echo g >> ran.log; echo failing-attempt; false" }
`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url, '--worker-wait', '60s'], { home, cwd: dir, timeoutMs: 60_000 });
    await run.waitForOutput((stdout) => stdout.includes('waiting for a worker (labels: gpu)'), 20_000);
    const { runId } = parseNdjson(run.stdout())[0]!;
    // Killed once the record has the attempt under way (its writes come up to 50 ms after the event).
    await waitForStoredStatus(runId, 'g', 'running', { home, cwd: dir });
    run.kill('SIGKILL');
    await run.result;
    workers.set('gpu-1', await startWorker(redis.url, 'gpu-1', { labels: ['gpu'], cwd: dir, home }));
    await waitForJobState(redis.url, 'steps-gpu', `${runId}.g.1`, 'failed');
    expect(lineCounts(dir).get('g')).toBe(1);

    const resumed = await runKsa(['resume', runId, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 30_000 });
    expect(resumed.code, describeResult(resumed)).toBe(1);
    const events = parseNdjson(resumed.stdout);
    expect(expectWellFormedRun(events)).toBe('failed');
    expect(eventsOf(events, 'step_retrying', 'g')).toMatchObject([{ attempt: 1, worker: 'gpu-1', error: 'command exited with code 1: failing-attempt' }]);
    expect(eventsOf(events, 'step_started', 'g').map((event) => event.attempt)).toEqual([1, 2]);
    expect(eventsOf(events, 'step_failed', 'g')).toMatchObject([{ attempt: 2 }]);
    // Attempt 1 ran once, on the worker, while the run was dead; attempt 2 once after the resume.
    expect(lineCounts(dir).get('g')).toBe(2);
    const status = await ksaJson<StatusDoc>(['status', runId, '--json'], { home, cwd: dir });
    expect(statusOf(status, 'g')).toMatchObject({ status: 'failed', attempts: 2 });
    expect(readFileSync(path.join(status.logDir, 'g.log'), 'utf8')).toContain('failing-attempt');
  }, 90_000);

  it('a job running at the kill that then fails is the step failure (maxAttempts 1): not run again, and the done steps are rolled back', async () => {
    const { redis, dir, home } = await fleet.setup('running', ['gpu-1'], { labels: ['gpu'] });
    const planFile = await fleet.sandbox.writePlan('running/plan.yaml', `goal: Fail unwatched while running
runsOn: [gpu]
steps:
  - id: prep
    tool: shell
    args: { command: "echo prep >> ran.log" }
    rollback: { tool: shell, args: { command: "echo undo-prep >> ran.log" } }
  - id: g
    dependsOn: [prep]
    tool: shell
    args: { command: "echo g >> ran.log; while [ ! -f g.go ]; do sleep 0.1; done; false" }
`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await eventually(() => (lineCounts(dir).get('g') === 1 ? true : undefined), 20_000);
    const { runId } = parseNdjson(run.stdout())[0]!;
    // Killed once the record has the attempt under way (its writes come up to 50 ms after the event).
    await waitForStoredStatus(runId, 'g', 'running', { home, cwd: dir });
    run.kill('SIGKILL');
    await run.result;
    writeFileSync(path.join(dir, 'g.go'), '');
    await waitForJobState(redis.url, 'steps-gpu', `${runId}.g.1`, 'failed');

    const resumed = await runKsa(['resume', runId, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 30_000 });
    expect(resumed.code, describeResult(resumed)).toBe(1);
    const events = parseNdjson(resumed.stdout);
    expect(expectWellFormedRun(events)).toBe('failed');
    expect(eventsOf(events, 'step_failed', 'g')).toMatchObject([{ attempt: 1, worker: 'gpu-1', error: 'command exited with code 1' }]);
    expect(Object.fromEntries(lineCounts(dir))).toEqual({ prep: 1, g: 1, 'undo-prep': 1 });
  }, 90_000);
});
