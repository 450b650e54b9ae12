import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { waitForStoredStatus } from '../helpers/durable.js';
import { fleetScenarios } from '../helpers/fleet.js';

// ksa resume takes over an attempt its worker was running while the run's process was dead: the attempt's
// timeout counts from the worker's own start, not afresh from the takeover.

const fleet = fleetScenarios('ksa-fleet-resume-timeout-');

const PLAN = `goal: Timed out after a takeover
steps:
  - id: slow
    tool: shell
    timeoutMs: 8000
    args: { command: "echo before; sleep 30" }
`;

describe('workers: ksa resume and a taken-over attempt\'s timeout', () => {
  it('times the attempt out 8 s after its worker started it, not 8 s after the resume', async () => {
    const { redis, dir, home } = await fleet.setup('resume-timeout', ['w-1']);
    const planFile = await fleet.sandbox.writePlan('resume-timeout/plan.yaml', PLAN);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await run.waitForOutput((stdout) => /"type":"step_output"[^\n]*"line":"before"/.test(stdout), 20_000);
    const events0 = parseNdjson(run.stdout());
    const runId = (events0[0] as { runId: string }).runId;
    await waitForStoredStatus(runId, 'slow', 'running', { home, cwd: dir });
    run.kill('SIGKILL');
    await run.result;
    // The worker goes on with it meanwhile: about 4 s of its 8 s are gone when the resume takes it over.
    await new Promise((resolve) => setTimeout(resolve, 4000));

    const resume = await runKsa(['resume', runId, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 40_000 });
    expect(resume.code, describeResult(resume)).toBe(1);
    const events = parseNdjson(resume.stdout);
    const resumedAt = Date.parse(events[0]!.ts);
    const [failed] = eventsOf(events, 'step_failed', 'slow') as unknown as { ts: string; timedOut: boolean; attempt: number }[];
    expect(failed).toMatchObject({ timedOut: true, attempt: 1 });
    // Before 8 s counted afresh from the resume could have run out: those 8 s cannot end early, however fast or
    // slow the machine, while 8 s from the worker's start ended about 4 s after the resume.
    expect(Date.parse(failed!.ts)).toBeLessThan(resumedAt + 8000);
  }, 90_000);
});
