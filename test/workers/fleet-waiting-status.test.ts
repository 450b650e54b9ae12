import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { ksaJson, statusOf, type StatusDoc } from '../helpers/durable.js';
import { sharedFleet } from '../helpers/fleet.js';

// A step waiting for a worker has not started: ksa status lists it as waiting, with its wait (not as running
// with a duration), and one no worker took within --worker-wait has no start and no duration anywhere.

const fleet = sharedFleet('ksa-fleet-waiting-status-');

const PLAN = 'goal: Nobody has a GPU\nsteps:\n  - { id: train, tool: shell, runsOn: [gpu], args: { command: "echo train" } }\n';

describe('workers: a step no worker took yet', () => {
  it('ksa status lists it as waiting with its wait (--json: running, waitingForWorker and its labels); never taken, it has no start and no duration', async () => {
    await fleet.worker('cpu-1', ['cpu']);
    const planFile = await fleet.box.writePlan('train.yaml', PLAN);
    const options = { home: fleet.box.home, cwd: fleet.dir };
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', fleet.redis.url, '--worker-wait', '6s'], { ...options, timeoutMs: 30_000 });
    await run.waitForOutput((stdout) => stdout.includes('"line":"waiting for a worker (labels: gpu)"'), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const status = await runKsa(['status'], options);
    expect(status.code, describeResult(status)).toBe(0);
    const row = status.stdout.split('\n').find((line) => line.trimStart().startsWith('train ')) ?? '';
    expect(row).toMatch(/^ {2}train +waiting +1 +– +waiting for a worker \d+(\.\d)?m?s \(labels: gpu\)$/);
    const live = statusOf(await ksaJson<StatusDoc>(['status', '--json'], options), 'train');
    expect(live).not.toHaveProperty('startedAt');
    // Its status stays the contract's running; a script reads the wait beside it.
    const queuedBy = Date.parse(parseNdjson(run.stdout()).find((event) => event.type === 'step_output' && event.stepId === 'train')!.ts);
    expect(live).toMatchObject({ status: 'running', waitingForWorker: true, workerLabels: ['gpu'] });
    expect(Date.parse(live.waitingSince!)).toBeLessThanOrEqual(queuedBy);

    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(1);
    const [failed] = eventsOf(parseNdjson(result.stdout), 'step_failed', 'train');
    expect(failed).toMatchObject({ error: 'no worker took it within 6s: waiting for a worker (labels: gpu)' });
    expect(failed).not.toHaveProperty('durationMs');
    const ended = statusOf(await ksaJson<StatusDoc>(['status', '--json'], options), 'train');
    expect(ended).toMatchObject({ status: 'failed', attempts: 1 });
    expect(ended).not.toHaveProperty('startedAt');
    expect(ended).not.toHaveProperty('durationMs');
    expect(ended).not.toHaveProperty('waitingForWorker');
    const text = await runKsa(['status'], options);
    expect(text.stdout).toMatch(/\n {2}train +failed +1 +– +no worker took it within 6s/);
  }, 60_000);
});
