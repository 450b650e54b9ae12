import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, eventually, parseNdjson, startKsa, type KsaProcess } from '../helpers/cli.js';
import { killGroup, lineCounts, readPids } from '../helpers/durable.js';
import { fleetScenarios } from '../helpers/fleet.js';

// A worker killed with kill -9 while no other worker listens to its job's queue: its own queue (a
// fan-out), or a label queue it was the only one on. The coordinator notices the lost attempt itself.

const fleet = fleetScenarios('ksa-fleet-lost-');
const { orphans } = fleet;

/** kill -9 of a worker, and of the shells it ran: a dead machine would not finish them either. */
function killWorker(worker: KsaProcess, dir: string, pidFile: string): void {
  worker.kill('SIGKILL');
  for (const pid of readPids(dir, pidFile)) {
    orphans.add(pid);
    killGroup(pid);
  }
}

type StepEvent = { attempt: number; worker?: string; error?: string; line?: string; output?: Record<string, unknown>; ts: string };

describe.concurrent('workers: a lost worker nobody else can notice', () => {
  it('fan-out: the killed worker\'s part fails as a lost attempt naming it; the retry runs on the live workers only', async () => {
    const { redis, dir, home, workers } = await fleet.setup('fan-out', ['web-a', 'web-b'], { labels: ['web'] });
    const planFile = await fleet.sandbox.writePlan('fan-out/plan.yaml', `goal: Restart every web host
steps:
  - id: restart
    tool: shell
    runsOn: { labels: [web], each: true }
    retry: { maxAttempts: 2, initialDelayMs: 0 }
    args: { command: "echo $$ >> $KSA_WORKER.pids; echo $KSA_WORKER >> started.log; sleep 2; echo $KSA_WORKER >> finished.log" }
`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 45_000 });
    await eventually(() => (lineCounts(dir, 'started.log').size === 2 ? true : undefined), 20_000);
    const killedAt = Date.now();
    killWorker(workers.get('web-b')!, dir, 'web-b.pids');
    const result = await run.result;
    expect(result.timedOut, describeResult(result)).toBe(false);
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseNdjson(result.stdout);
    const retrying = eventsOf(events, 'step_retrying', 'restart') as unknown as StepEvent[];
    expect(retrying).toHaveLength(1);
    expect(retrying[0]!.error).toBe('failed on 1 of 2 workers: web-b: attempt lost: worker web-b stopped answering (crashed or cut off)');
    console.log(`fan-out part lost ${Date.parse(retrying[0]!.ts) - killedAt} ms after kill -9 (lock 2 s)`);
    const succeeded = eventsOf(events, 'step_succeeded', 'restart') as unknown as StepEvent[];
    expect(succeeded.map((event) => [event.attempt, event.worker, Object.keys(event.output ?? {})])).toEqual([[2, 'web-a', ['web-a']]]);
    expect(Object.fromEntries(lineCounts(dir, 'finished.log'))).toEqual({ 'web-a': 2 });
  }, 90_000);

  it('fan-out without retries: the run ends failed (exit 1) instead of waiting for the killed worker forever', async () => {
    const { redis, dir, home, workers } = await fleet.setup('fan-out-fail', ['db-a', 'db-b'], { labels: ['db'] });
    const planFile = await fleet.sandbox.writePlan('fan-out-fail/plan.yaml', `goal: Vacuum every database
steps:
  - id: vacuum
    tool: shell
    runsOn: { labels: [db], each: true }
    args: { command: "echo $$ >> $KSA_WORKER.pids; echo $KSA_WORKER >> started.log; sleep 3" }
`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 45_000 });
    await eventually(() => (lineCounts(dir, 'started.log').size === 2 ? true : undefined), 20_000);
    killWorker(workers.get('db-a')!, dir, 'db-a.pids');
    const result = await run.result;
    expect(result.timedOut, describeResult(result)).toBe(false);
    expect(result.code, describeResult(result)).toBe(1);
    const failed = eventsOf(parseNdjson(result.stdout), 'step_failed', 'vacuum') as unknown as StepEvent[];
    expect(failed.map((event) => event.error)).toEqual(['failed on 1 of 2 workers: db-a: attempt lost: worker db-a stopped answering (crashed or cut off)']);
  }, 90_000);

  it('the only worker killed: the attempt is lost (naming it), the retry says it waits for a worker, and --worker-wait ends the wait', async () => {
    const { redis, dir, home, workers } = await fleet.setup('only-worker', ['solo']);
    const planFile = await fleet.sandbox.writePlan('only-worker/plan.yaml', `goal: Survive the only worker
steps:
  - id: slow
    tool: shell
    retry: { maxAttempts: 2, initialDelayMs: 0 }
    args: { command: "echo $$ >> slow.pids; echo $KSA_WORKER >> started.log; sleep 30" }
`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url, '--worker-wait', '3s'], { home, cwd: dir, timeoutMs: 45_000 });
    await eventually(() => (lineCounts(dir, 'started.log').size === 1 ? true : undefined), 20_000);
    killWorker(workers.get('solo')!, dir, 'slow.pids');
    const result = await run.result;
    expect(result.timedOut, describeResult(result)).toBe(false);
    expect(result.code, describeResult(result)).toBe(1);
    const events = parseNdjson(result.stdout);
    const retrying = eventsOf(events, 'step_retrying', 'slow') as unknown as StepEvent[];
    expect(retrying.map((event) => [event.attempt, event.worker, event.error])).toEqual([[1, 'solo', 'attempt lost: worker solo stopped answering (crashed or cut off)']]);
    const waiting = (eventsOf(events, 'step_output', 'slow') as unknown as StepEvent[]).filter((event) => event.attempt === 2).map((event) => event.line);
    expect(waiting).toEqual(['waiting for a worker (labels: any; solo, which ran attempt 1, was lost)']);
    const failed = eventsOf(events, 'step_failed', 'slow') as unknown as StepEvent[];
    expect(failed.map((event) => [event.attempt, event.error])).toEqual([[2, 'no worker took it within 3s: waiting for a worker (labels: any; solo, which ran attempt 1, was lost)']]);
  }, 90_000);
});
