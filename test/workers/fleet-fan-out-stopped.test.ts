import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, parseNdjson, runKsa, startKsa, type KsaEvent } from '../helpers/cli.js';
import { lineCounts, readPids, type StatusDoc, statusOf } from '../helpers/durable.js';
import { fleetScenarios, waitForJobState } from '../helpers/fleet.js';
import { expectWellFormedRun } from '../helpers/run-events.js';

// A fan-out stopped before all its workers were done (its timeout, a cancel) is undone where it had
// succeeded, as a fan-out that failed there is: a timeout is the step's failure, and a cancel rolls
// back what succeeded.

const fleet = fleetScenarios('ksa-fleet-fan-out-stopped-');
const { orphans } = fleet;

/** `prepare`, then `restart` on every web worker: done at once on web-1, hanging on web-2 until it is stopped. */
function plan(extra = ''): string {
  return `goal: Restart every web host, one of them hangs
steps:
  - id: prepare
    runsOn: [web]
    tool: shell
    args: { command: "echo prepared" }
    rollback: { tool: shell, args: { command: "echo unprepared >> undo.log" } }
  - id: restart
    dependsOn: [prepare]
    runsOn: { labels: [web], each: true }
    tool: shell${extra}
    args: { command: "if [ $KSA_WORKER = web-2 ]; then echo $$ >> hang.pids; while true; do sleep 0.1; done; fi; echo v1-$KSA_WORKER" }
    rollback: { tool: shell, args: { command: "echo undone-$KSA_WORKER-'{{ steps.restart.output[\\"web-1\\"].stdout }}' >> undo.log" } }
`;
}

function rollbacks(events: readonly KsaEvent[]): unknown[][] {
  return events.filter((event) => event.type.startsWith('rollback_step_')).map((event) => [event.type, event.stepId, (event as { worker?: string }).worker]);
}

/** restart is undone where it succeeded (web-1), then prepare: newest first, each once. */
function expectUndoneOnWeb1ThenPrepare(events: readonly KsaEvent[], dir: string): void {
    expect(eventsOf(events, 'rollback_started')[0]).toMatchObject({ stepIds: ['restart', 'prepare'] });
    expect(rollbacks(events)).toEqual([
      ['rollback_step_succeeded', 'restart', 'web-1'],
      ['rollback_step_succeeded', 'prepare', expect.stringMatching(/^web-[12]$/)],
    ]);
    expect([...lineCounts(dir, 'undo.log')]).toEqual([
      ['undone-web-1-v1-web-1', 1],
      ['unprepared', 1],
    ]);
}

describe.concurrent('a fan-out stopped while some workers had succeeded', () => {
  it('by its timeout: the step fails (timed out) and is undone on web-1, newest first', async () => {
    const { redis, dir, home } = await fleet.setup('timeout', ['web-1', 'web-2'], { labels: ['web'], concurrency: 2 });
    const planFile = await fleet.sandbox.writePlan('timeout/plan.yaml', plan('\n    timeoutMs: 4000'));
    const result = await runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 40_000 });
    for (const pid of readPids(dir, 'hang.pids')) orphans.add(pid);
    expect(result.code, describeResult(result)).toBe(1);
    const events = parseNdjson(result.stdout);
    expect(expectWellFormedRun(events)).toBe('failed');
    expect(eventsOf(events, 'step_failed', 'restart')).toEqual([expect.objectContaining({ timedOut: true, error: expect.stringMatching(/timed out/) })]);
    expectUndoneOnWeb1ThenPrepare(events, dir);
    expect(result.stderr).toMatch(/^ +\S+ restart +failed .*timed out.* · rolled back on web-1$/m);
  }, 60_000);

  it('by ksa cancel: the step is cancelled and undone on web-1 before prepare, as cancel undoes every succeeded step', async () => {
    const { redis, dir, home } = await fleet.setup('cancel', ['web-1', 'web-2'], { labels: ['web'], concurrency: 2 });
    const planFile = await fleet.sandbox.writePlan('cancel/plan.yaml', plan());
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await run.waitForOutput((stdout) => stdout.includes('"run_started"'), 20_000);
    const { runId } = parseNdjson(run.stdout())[0]!;
    // web-1's part is over in Redis, which is what tells the coordinator; web-2's still hangs.
    await waitForJobState(redis.url, 'worker-web-1', `${runId}.restart.1.web-1`, 'completed');

    const cancel = await runKsa(['cancel', runId, '--json'], { home, cwd: dir, timeoutMs: 30_000 });
    expect(cancel.code, describeResult(cancel)).toBe(0);
    expect(JSON.parse(cancel.stdout)).toMatchObject({ status: 'cancelled', rolledBack: ['prepare', 'restart'], failedRollbacks: [] });
    const result = await run.result;
    for (const pid of readPids(dir, 'hang.pids')) orphans.add(pid);
    expect(result.code, describeResult(result)).toBe(130);
    const events = parseNdjson(result.stdout);
    expect(expectWellFormedRun(events)).toBe('cancelled');
    expect(eventsOf(events, 'step_cancelled', 'restart')).toHaveLength(1);
    expectUndoneOnWeb1ThenPrepare(events, dir);
    // It was stopped, not failed: it stays cancelled, with its rollback's result.
    expect(result.stderr).toMatch(/^ +\S+ restart +cancelled .*rolled back on web-1$/m);
    const status = JSON.parse((await runKsa(['status', runId, '--json'], { home })).stdout) as StatusDoc;
    expect(statusOf(status, 'restart')).toMatchObject({ status: 'cancelled', rollback: { status: 'succeeded' } });
  }, 60_000);
});
