import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { ksaJson, statusOf, type StatusDoc, waitForStoredStatus } from '../helpers/durable.js';
import { fleetScenarios } from '../helpers/fleet.js';

// ksa resume takes over a step its worker ran to its end while the run's process was dead (kill -9): the
// record has the worker's own start and end, not the resume's, and the output Redis kept.

const fleet = fleetScenarios('ksa-fleet-taken-over-');

// 'before' is seen by the run; the rest is printed while it is dead, one batch per line (the worker
// sends its output every 100 ms), so Redis keeps only the last line.
const PLAN = `goal: Taken over
steps:
  - id: middle
    tool: shell
    args: { command: "echo before; sleep 3; for i in 1 2 3 4; do echo during-$i; sleep 0.5; done; echo last-line" }
`;

const FAN_PLAN = `goal: Fan-out taken over
steps:
  - id: fan
    runsOn: { labels: [db], each: true }
    tool: shell
    args: { command: "echo before; sleep 3; echo after" }
`;

describe('workers: ksa resume takes over a step its worker finished', () => {
  it("the step's record has the worker's start and end (status, learned duration), and its log the output Redis kept, saying the rest is not kept", async () => {
    const { redis, dir, home, workers } = await fleet.setup('taken-over', ['w-1']);
    const planFile = await fleet.sandbox.writePlan('taken-over/plan.yaml', PLAN);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await run.waitForOutput((stdout) => /"type":"step_output"[^\n]*"line":"before"/.test(stdout), 20_000);
    const runId = (parseNdjson(run.stdout())[0] as { runId: string }).runId;
    await waitForStoredStatus(runId, 'middle', 'running', { home, cwd: dir });
    const killedAt = Date.now();
    run.kill('SIGKILL');
    await run.result;
    await workers.get('w-1')!.waitForOutput((stdout) => /✓ \S+ middle \(attempt 1\)/.test(stdout), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const resume = await runKsa(['resume', runId, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 30_000 });
    expect(resume.code, describeResult(resume)).toBe(0);
    const events = parseNdjson(resume.stdout);
    const resumedAt = Date.parse(events[0]!.ts);
    const [succeeded] = eventsOf(events, 'step_succeeded', 'middle') as unknown as { durationMs: number; worker: string }[];
    // echo before; sleep 3; 4 × 0.5 s: at least 5 s on the worker, however long the resume came after.
    expect(succeeded).toMatchObject({ worker: 'w-1' });
    expect(succeeded!.durationMs).toBeGreaterThanOrEqual(4900);

    const status = await ksaJson<StatusDoc>(['status', runId, '--json'], { home, cwd: dir });
    const middle = statusOf(status, 'middle') as ReturnType<typeof statusOf> & { startedAt: string; endedAt: string };
    expect(middle.status).toBe('succeeded');
    expect(Date.parse(middle.startedAt)).toBeLessThan(killedAt);
    // The resume came 1.5 s after the worker had finished.
    expect(Date.parse(middle.endedAt)).toBeLessThan(resumedAt - 1000);
    // Counted to the worker's end, before the resume came, not to when the resume collected it.
    expect(middle.durationMs).toBe(Date.parse(middle.endedAt) - Date.parse(middle.startedAt));
    expect(middle.durationMs).toBe(succeeded!.durationMs);

    // Estimates learn the time it ran, not the moment the resume collected it.
    const learned = JSON.parse(readFileSync(path.join(home, 'durations.json'), 'utf8')) as { steps: Record<string, number[]> };
    expect(learned.steps['id:middle:shell']).toEqual([succeeded!.durationMs]);

    const log = readFileSync(path.join(status.logDir, 'middle.log'), 'utf8');
    expect(log).toContain('\nbefore\n');
    // One start, the worker's; the resume's header says it took the attempt over (its event names that start too).
    expect(log.match(/^--- attempt 1 started /gm)).toHaveLength(1);
    expect(log).toContain(`\n--- attempt 1 (taken over on resume; started ${middle.startedAt} on w-1)\n`);
    expect(eventsOf(events, 'step_started', 'middle')[0]).toMatchObject({ workerStartedAt: middle.startedAt, worker: 'w-1' });
    expect(log).toMatch(/\[stderr\] worker w-1 ran this attempt while no ksa watched it: its first 5 output lines are not kept here \(those printed before the run stopped are above\)\nlast-line\n$/);
  }, 90_000);

  it('the count of output lines not kept leaves out the worker\'s own note on the lines it did not send', async () => {
    const { redis, dir, home, workers } = await fleet.setup('taken-over-bound', ['w-2']);
    // 60 000 lines: past what a worker sends (50 000), so its note on those left out is among what it sends.
    const planFile = await fleet.sandbox.writePlan('taken-over-bound/plan.yaml', `goal: Taken over past the bound
steps:
  - id: big
    tool: shell
    args: { command: "while [ ! -e go ]; do sleep 0.05; done; seq 1 60000; echo TK-END >&2" }
`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await run.waitForOutput((stdout) => /"type":"step_started"[^\n]*"stepId":"big"/.test(stdout), 20_000);
    const runId = (parseNdjson(run.stdout())[0] as { runId: string }).runId;
    await waitForStoredStatus(runId, 'big', 'running', { home, cwd: dir });
    run.kill('SIGKILL');
    await run.result;
    writeFileSync(path.join(dir, 'go'), '');
    await workers.get('w-2')!.waitForOutput((stdout) => /✓ \S+ big \(attempt 1\)/.test(stdout), 30_000);

    const resume = await runKsa(['resume', runId, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 30_000 });
    expect(resume.code, describeResult(resume)).toBe(0);
    const log = readFileSync(path.join(home, 'runs', runId, 'logs', 'big.log'), 'utf8').trimEnd().split('\n');
    const at = log.findIndex((line) => line.includes('ran this attempt while no ksa watched it'));
    const notKept = Number(/its first (\d+) output lines are not kept here/.exec(log[at]!)?.[1]);
    // The next line shown is the step's line right after those not kept.
    expect(log[at + 1]).toBe(String(notKept + 1));
    expect(log.slice(-2)).toEqual(['60000', '[stderr] TK-END']);
  }, 90_000);

  it("a fan-out's record has its parts' workers' times: the earliest start and the latest end", async () => {
    const { redis, dir, home, workers } = await fleet.setup('taken-over-fan', ['db-1', 'db-2'], { labels: ['db'] });
    const planFile = await fleet.sandbox.writePlan('taken-over-fan/plan.yaml', FAN_PLAN);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await run.waitForOutput((stdout) => (stdout.match(/"type":"step_output"[^\n]*"line":"before"/g) ?? []).length === 2, 20_000);
    const runId = (parseNdjson(run.stdout())[0] as { runId: string }).runId;
    await waitForStoredStatus(runId, 'fan', 'running', { home, cwd: dir });
    const killedAt = Date.now();
    run.kill('SIGKILL');
    await run.result;
    for (const name of ['db-1', 'db-2']) await workers.get(name)!.waitForOutput((stdout) => /✓ \S+ fan \(attempt 1\)/.test(stdout), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const resume = await runKsa(['resume', runId, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 30_000 });
    expect(resume.code, describeResult(resume)).toBe(0);
    const events = parseNdjson(resume.stdout);
    const resumedAt = Date.parse(events[0]!.ts);
    const [succeeded] = eventsOf(events, 'step_succeeded', 'fan') as unknown as { durationMs: number }[];
    // sleep 3 on each worker: at least 3 s, not the moment the resume collected them.
    expect(succeeded!.durationMs).toBeGreaterThanOrEqual(2900);
    const status = await ksaJson<StatusDoc>(['status', runId, '--json'], { home, cwd: dir });
    const fan = statusOf(status, 'fan') as ReturnType<typeof statusOf> & { startedAt: string; endedAt: string };
    expect(fan.status).toBe('succeeded');
    expect(Date.parse(fan.startedAt)).toBeLessThan(killedAt);
    expect(Date.parse(fan.endedAt)).toBeLessThan(resumedAt - 1000);
    expect(fan.durationMs).toBe(succeeded!.durationMs);
  }, 90_000);
});
