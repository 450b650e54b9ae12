import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventually, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { ksaJson, statusOf, type StatusDoc } from '../helpers/durable.js';
import { fleetScenarios } from '../helpers/fleet.js';

// A paused run whose process was then killed: a step no worker had taken was held by the pause (its job taken
// off the queue), so it never started. ksa status says so, not that it was cut short, and its JSON keeps its wait.

const fleet = fleetScenarios('ksa-fleet-paused-held-status-');

// One slot: b waits behind a for the only worker.
const PLAN = `goal: Held behind a busy worker
steps:
  - { id: a, tool: shell, runsOn: [web], args: { command: "echo $$ > a.pid; sleep 60" } }
  - { id: b, tool: shell, runsOn: [web], args: { command: "sleep 2" } }
`;

describe('ksa status of a paused run whose process is gone', () => {
  it('shows the step the pause held as waiting, never started (not cut short), and --json keeps waitingForWorker and waitingSince', async () => {
    const { redis, dir, home } = await fleet.setup('held', ['w1'], { labels: ['web'], concurrency: 1 });
    const planFile = await fleet.sandbox.writePlan('held/plan.yaml', PLAN);
    const options = { home, cwd: dir };
    const owner = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url, '--worker-wait', '5m'], { ...options, timeoutMs: 60_000 });
    await eventually(() => (existsSync(path.join(dir, 'a.pid')) ? true : undefined), 20_000);
    fleet.orphans.add(Number(readFileSync(path.join(dir, 'a.pid'), 'utf8')));
    const runId = parseNdjson(owner.stdout())[0]!.runId;
    const paused = await runKsa(['pause', runId], options);
    expect(paused.code, describeResult(paused)).toBe(0);
    await owner.waitForOutput((stdout) => stdout.includes('held while the run is paused'), 20_000);
    owner.kill('SIGKILL');
    await owner.result;

    const shown = await runKsa(['status', runId], options);
    expect(shown.code, describeResult(shown)).toBe(0);
    expect(shown.stdout).toContain('paused: no new step starts; the process running it is gone (a cut short; waiting for a worker, held until resumed: b)');
    expect(shown.stdout).toMatch(/^ {2}a +interrupted +1 /m);
    expect(shown.stdout).toMatch(/^ {2}b +waiting +1 +– +- +waiting for a worker \d+(\.\d)?m?s \(labels: web\); held while the run is paused: no worker takes it until the run goes on \(ksa resume\)$/m);

    const doc = await ksaJson<StatusDoc>(['status', runId, '--json'], options);
    const b = statusOf(doc, 'b');
    expect(b).toMatchObject({ status: 'running', waitingForWorker: true, workerLabels: ['web'] });
    expect(b.waitingSince).toEqual(expect.any(String));
    expect(b.interrupted).toBeUndefined();
    expect(b.stoppedAt).toBeUndefined();
    expect(statusOf(doc, 'a')).toMatchObject({ status: 'running', interrupted: true });
  }, 90_000);
});
