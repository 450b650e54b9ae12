import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, eventually, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { lineCounts, readPids } from '../helpers/durable.js';
import { fleetScenarios, waitForJobState } from '../helpers/fleet.js';
import { expectWellFormedRun } from '../helpers/run-events.js';

// A run cancelled (Ctrl-C) while a worker ran its step, then stopped at once during the rollback
// (a second Ctrl-C): that step's job ended failed, marked cancelled. ksa resume runs the step again
// on a worker (at-least-once, as for a local run) instead of taking the old job's "cancelled on
// worker" for the new attempt's result.

const fleet = fleetScenarios('ksa-fleet-resume-stopped-');

/** `prep`'s undo waits for a file that never comes; `wait` runs until wait.go exists (it notes each start); `after` follows it. */
const PLAN = `goal: Wait on a worker
steps:
  - id: prep
    runsOn: [box]
    tool: shell
    args: { command: "echo prep >> ran.log" }
    rollback: { tool: shell, args: { command: "touch undo.started; echo $$ >> wait.pids; while [ ! -f never ]; do sleep 0.1; done" } }
  - id: wait
    dependsOn: [prep]
    runsOn: [box]
    tool: shell
    args: { command: "echo wait >> ran.log; echo $$ >> wait.pids; while [ ! -f wait.go ]; do sleep 0.1; done; echo waited" }
  - id: after
    dependsOn: [wait]
    runsOn: [box]
    tool: shell
    args: { command: "echo after >> ran.log" }
`;

describe('ksa resume --redis of a run stopped at once', () => {
  it('the step a worker was running when the run stopped runs again on resume, and the run succeeds', async () => {
    const { redis, dir, home } = await fleet.setup('stopped', ['box-1'], { labels: ['box'], concurrency: 2 });
    const planFile = await fleet.sandbox.writePlan('stopped/plan.yaml', PLAN);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 30_000 });
    await eventually(() => (lineCounts(dir).get('wait') === 1 ? true : undefined), 20_000);
    const { runId } = parseNdjson(run.stdout())[0]!;
    run.kill('SIGINT');
    await eventually(() => (existsSync(path.join(dir, 'undo.started')) ? true : undefined), 20_000);
    run.kill('SIGINT');
    const stopped = await run.result;
    expect(stopped.code, describeResult(stopped)).toBe(130);
    for (const pid of readPids(dir, 'wait.pids')) fleet.orphans.add(pid);
    // The worker has given up the job: it ended failed (cancelled), as the resumed run finds it.
    await waitForJobState(redis.url, 'steps-box', `${runId}.wait.1`, 'failed');

    writeFileSync(path.join(dir, 'wait.go'), '');
    const resumed = await runKsa(['resume', runId, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 30_000 });
    expect(resumed.code, describeResult(resumed)).toBe(0);
    const events = parseNdjson(resumed.stdout);
    expect(expectWellFormedRun(events)).toBe('succeeded');
    expect(eventsOf(events, 'step_succeeded', 'wait')).toHaveLength(1);
    expect(lineCounts(dir).get('wait')).toBe(2);
    expect(lineCounts(dir).get('after')).toBe(1);
    // prep's rollback had begun when the run stopped: it may be undone, so it ran again, as a new job.
    expect(lineCounts(dir).get('prep')).toBe(2);
    expect(eventsOf(events, 'step_started', 'prep')).toEqual([expect.objectContaining({ attempt: 2, worker: 'box-1' })]);
  });

  it('resume or cancel --redis naming another Redis is refused (exit 2) before anything runs: the jobs and results are in the first', async () => {
    const { redis, dir, home } = await fleet.setup('elsewhere', ['box-2'], { labels: ['box'] });
    const planFile = await fleet.sandbox.writePlan('elsewhere/plan.yaml', PLAN.replace('echo prep >> ran.log', 'echo prep >> ran.log; echo $$ >> prep.pids; sleep 30'));
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 30_000 });
    await eventually(() => (lineCounts(dir).get('prep') === 1 ? true : undefined), 20_000);
    const { runId } = parseNdjson(run.stdout())[0]!;
    run.kill('SIGKILL');
    await run.result;
    for (const pid of readPids(dir, 'prep.pids')) fleet.orphans.add(pid);
    const other = 'redis://127.0.0.1:1';
    const resumed = await runKsa(['resume', runId, '--yes', '--redis', other], { home, cwd: dir, timeoutMs: 30_000 });
    expect(resumed.code, describeResult(resumed)).toBe(2);
    const shown = redis.url.replace(/\/+$/, '');
    expect(resumed.stderr).toContain(`ksa: run ${runId} sent its steps to workers through ${shown}, not ${other}: its jobs and their results are there; resume it with --redis ${shown}`);
    expect(lineCounts(dir).get('prep')).toBe(1);
    // A cancel through that other Redis would stop nothing and call the run cancelled: refused too, the run left as it was.
    const cancelled = await runKsa(['cancel', runId, '--yes', '--redis', other], { home, cwd: dir, timeoutMs: 30_000 });
    expect(cancelled.code, describeResult(cancelled)).toBe(2);
    expect(cancelled.stderr).toContain(`ksa: run ${runId} sent its steps to workers through ${shown}, not ${other}: its jobs are there, and none of them would be stopped; cancel it with --redis ${shown}`);
    expect(cancelled.stderr).not.toContain('marked cancelled');
    expect(JSON.parse((await runKsa(['status', runId, '--json'], { home })).stdout)).toMatchObject({ status: 'interrupted' });
  }, 60_000);
});
