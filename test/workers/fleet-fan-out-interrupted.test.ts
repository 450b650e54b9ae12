import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, eventually, parseNdjson, runKsa, startKsa, type KsaEvent } from '../helpers/cli.js';
import { lineCounts, readPids, readRunFile, statusOf, type StatusDoc } from '../helpers/durable.js';
import { fleetScenarios, waitForJobState, type FleetScenario } from '../helpers/fleet.js';
import { expectWellFormedRun } from '../helpers/run-events.js';

// A run killed (kill -9) while it undid a fan-out where it had succeeded: the run record keeps those
// workers, so the run's rollback still covers them after ksa resume (which goes on with the run) and
// ksa cancel (which undoes it), as it covers every step that succeeded before the crash.

const fleet = fleetScenarios('ksa-fleet-fan-out-interrupted-');
const { orphans } = fleet;

/** `restart` fails on web-2 and succeeds on web-1 (its undo waits for undo.go) while `gate` holds; `open` follows gate. */
const PLAN = `goal: Restart every web host while a gate holds
steps:
  - id: restart
    runsOn: { labels: [web], each: true }
    tool: shell
    args: { command: "if [ $KSA_WORKER = web-2 ]; then echo refused >&2; exit 4; fi; echo v1-$KSA_WORKER" }
    rollback: { tool: shell, args: { command: "touch undo.started; while [ ! -f undo.go ]; do sleep 0.1; done; echo undone-$KSA_WORKER >> undo.log" } }
  - id: gate
    runsOn: [web]
    tool: shell
    args: { command: "if [ -f gate.fails ]; then echo gate closed >&2; exit 5; fi; echo $$ >> gate.pids; while [ ! -f gate.go ]; do sleep 0.1; done" }
  - id: open
    dependsOn: [gate]
    runsOn: [web]
    tool: shell
    args: { command: "echo open" }
`;

type StoredStep = { status: string; succeededOn?: Record<string, unknown> };

/**
 * Runs PLAN and kills ksa once restart's undo runs on web-1 and the record says where restart succeeded.
 * The undo the dead run started is then let finish on web-1, and the gate closed: a resumed run fails there.
 */
async function crashedWhileUndoing(name: string): Promise<FleetScenario & { runId: string }> {
  const scenario = await fleet.setup(name, ['web-1', 'web-2'], { labels: ['web'], concurrency: 3 });
  const { redis, dir, home } = scenario;
  const planFile = await fleet.sandbox.writePlan(`${name}/plan.yaml`, PLAN);
  const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
  await run.waitForOutput((stdout) => stdout.includes('"run_started"'), 20_000);
  const { runId } = parseNdjson(run.stdout())[0]!;
  await eventually(() => (existsSync(path.join(dir, 'undo.started')) ? true : undefined), 20_000);
  await eventually(() => ((readRunFile(home, runId)?.state.steps.restart as StoredStep | undefined)?.succeededOn?.['web-1'] !== undefined ? true : undefined), 10_000);
  run.kill('SIGKILL');
  await run.result;
  for (const pid of readPids(dir, 'gate.pids')) orphans.add(pid);
  writeFileSync(path.join(dir, 'undo.go'), '');
  await waitForJobState(redis.url, 'worker-web-1', `${runId}.restart.rollback.web-1`, 'completed');
  writeFileSync(path.join(dir, 'gate.fails'), '');
  return { ...scenario, runId };
}

function rollbacks(events: readonly KsaEvent[]): unknown[][] {
  return events.filter((event) => event.type.startsWith('rollback_step_')).map((event) => [event.type, event.stepId, (event as { worker?: string }).worker]);
}

/** `restart` ends `cancelled` when the resume cancels it, and stays `failed` (as it ended before the crash) when ksa cancel rolls it back. */
async function expectUndoneOnWeb1(scenario: FleetScenario & { runId: string }, ended: 'cancelled' | 'failed'): Promise<void> {
  const { dir, home, runId } = scenario;
  // The undo the dead run had started was collected by its job id, not run a second time.
  expect(Object.fromEntries(lineCounts(dir, 'undo.log'))).toEqual({ 'undone-web-1': 1 });
  const status = JSON.parse((await runKsa(['status', runId, '--json'], { home })).stdout) as StatusDoc;
  expect(statusOf(status, 'restart')).toMatchObject({ status: ended, succeededOn: 'web-1', rollback: { status: 'succeeded' } });
}

describe.concurrent('a run killed while it undid a fan-out where it had succeeded', () => {
  it('ksa resume goes on with the run: when the gate then fails before restart runs again, restart is undone on web-1', async () => {
    const scenario = await crashedWhileUndoing('resume');
    const { redis, dir, home, runId } = scenario;
    // One step at a time, gate first (its path is the longer): the run fails before restart runs again.
    const resume = await runKsa(['resume', runId, '--yes', '--json', '--redis', redis.url, '--max-parallel', '1'], { home, cwd: dir, timeoutMs: 40_000 });
    expect(resume.code, describeResult(resume)).toBe(1);
    expect(resume.stderr).toContain('restart had succeeded on web-1: if the run fails or is cancelled, it is rolled back there.');
    const events = parseNdjson(resume.stdout);
    expect(expectWellFormedRun(events)).toBe('failed');
    expect(eventsOf(events, 'step_failed', 'gate')).toHaveLength(1);
    expect(eventsOf(events, 'step_started', 'restart')).toEqual([]);
    expect(eventsOf(events, 'step_cancelled', 'restart')).toHaveLength(1);
    expect(eventsOf(events, 'rollback_started')[0]).toMatchObject({ stepIds: ['restart'] });
    expect(rollbacks(events)).toEqual([['rollback_step_succeeded', 'restart', 'web-1']]);
    await expectUndoneOnWeb1(scenario, 'cancelled');
  }, 90_000);

  it('ksa cancel undoes it on web-1, as it says it will', async () => {
    const scenario = await crashedWhileUndoing('cancel');
    const { redis, dir, home, runId } = scenario;
    const cancel = await runKsa(['cancel', runId, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 40_000 });
    expect(cancel.code, describeResult(cancel)).toBe(0);
    expect(cancel.stderr).toContain('Cancelling rolls back, newest first: restart.');
    const events = parseNdjson(cancel.stdout);
    expect(expectWellFormedRun(events)).toBe('cancelled');
    expect(rollbacks(events)).toEqual([['rollback_step_succeeded', 'restart', 'web-1']]);
    await expectUndoneOnWeb1(scenario, 'failed');
  }, 90_000);
});
