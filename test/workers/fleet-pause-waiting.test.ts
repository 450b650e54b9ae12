import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { ksaJson, statusOf, type StatusDoc } from '../helpers/durable.js';
import { sharedFleet } from '../helpers/fleet.js';

// A step waiting for a worker has not started: a pause holds it (no worker takes it, even one that comes
// meanwhile), `ksa status` says it waits (since it was queued, not since the pause), and it is taken once the run goes on.

const fleet = sharedFleet('ksa-fleet-pause-waiting-');

const PLAN = 'goal: Train once resumed\nsteps:\n  - { id: train, tool: shell, runsOn: [gpu], args: { command: "echo trained" } }\n';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('workers: pausing a run whose step waits for a worker', () => {
  it('holds the step until the run is resumed, though a worker that can take it comes meanwhile; its wait counts from when it was queued', async () => {
    const planFile = await fleet.box.writePlan('train.yaml', PLAN);
    const home = fleet.box.home;
    const owner = startKsa(['run', planFile, '--yes', '--json', '--redis', fleet.redis.url, '--worker-wait', '60s'], { home, cwd: fleet.dir, timeoutMs: 60_000 });
    await owner.waitForOutput((stdout) => stdout.includes('waiting for a worker'), 20_000);
    const runId = parseNdjson(owner.stdout())[0]!.runId;
    const waitingLine = parseNdjson(owner.stdout()).find((event) => event.type === 'step_output' && event.stepId === 'train')!;
    // It waits a while before the pause: its wait counts from when it was queued, not from the pause.
    await sleep(3000);
    const paused = await runKsa(['pause', runId], { home, cwd: fleet.dir });
    expect(paused.code, describeResult(paused)).toBe(0);
    // Not running on: held, as ksa status says.
    expect(paused.stderr).toContain('paused: no new step starts; waiting for a worker, held until resumed: train.');
    expect(paused.stderr).not.toContain('still running');

    await fleet.worker('gpu-1', ['gpu']);
    await sleep(2500);
    const whilePaused = parseNdjson(owner.stdout());
    expect(eventsOf(whilePaused, 'step_started', 'train')).toEqual([]);
    expect(eventsOf(whilePaused, 'step_succeeded', 'train')).toEqual([]);
    const waitedAtLeast = Date.now() - Date.parse(String(waitingLine.ts));
    const status = await runKsa(['status', runId], { home, cwd: fleet.dir });
    expect(status.stdout).toContain('paused: no new step starts; waiting for a worker, held until resumed: train');
    expect(status.stdout).toMatch(/train +waiting +1 +– +waiting for a worker \d+(\.\d)?m?s \(labels: gpu\); held while the run is paused: no worker takes it until the run goes on/);
    const shown = /train +waiting +1 +– +waiting for a worker (\d+(?:\.\d)?)s /.exec(status.stdout);
    expect(shown, status.stdout).not.toBeNull();
    expect(Number(shown![1]) * 1000).toBeGreaterThanOrEqual(Math.floor(waitedAtLeast / 100) * 100);
    const json = statusOf(await ksaJson<StatusDoc>(['status', runId, '--json'], { home, cwd: fleet.dir }), 'train');
    expect(json).toMatchObject({ status: 'running', waitingForWorker: true, workerLabels: ['gpu'] });
    expect(Date.parse(json.waitingSince!)).toBeLessThanOrEqual(Date.parse(String(waitingLine.ts)));

    const resumed = await runKsa(['resume', runId], { home, cwd: fleet.dir });
    expect(resumed.code, describeResult(resumed)).toBe(0);
    const result = await owner.result;
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseNdjson(result.stdout);
    const types = events.filter((event) => ['run_paused', 'run_resumed', 'step_started', 'step_succeeded'].includes(event.type)).map((event) => event.type);
    expect(types).toEqual(['run_paused', 'run_resumed', 'step_started', 'step_succeeded']);
    expect(eventsOf(events, 'step_started', 'train')[0]).toMatchObject({ worker: 'gpu-1' });
  }, 90_000);

  it('says again that the step waits once the run is resumed, no longer that it is held', async () => {
    const planFile = await fleet.box.writePlan('tpu.yaml', PLAN.replace('[gpu]', '[tpu]'));
    const home = fleet.box.home;
    const options = { home, cwd: fleet.dir };
    const owner = startKsa(['run', planFile, '--yes', '--json', '--redis', fleet.redis.url, '--worker-wait', '60s'], { ...options, timeoutMs: 60_000 });
    // A failed expectation must not leave it running, paused or waiting, after the file's Redis is gone.
    try {
      await owner.waitForOutput((stdout) => stdout.includes('"line":"waiting for a worker (labels: tpu)"'), 20_000);
      const runId = parseNdjson(owner.stdout())[0]!.runId;
      expect((await runKsa(['pause', runId], options)).code).toBe(0);
      await owner.waitForOutput((stdout) => stdout.includes('held while the run is paused'), 20_000);
      expect((await runKsa(['resume', runId], options)).code).toBe(0);
      const saidAgain = (stdout: string) => {
        const events = parseNdjson(stdout);
        const resumed = events.findIndex((event) => event.type === 'run_resumed');
        return resumed >= 0 && events.slice(resumed).some((event) => event.type === 'step_output' && event.line === 'waiting for a worker (labels: tpu)');
      };
      await owner.waitForOutput(saidAgain, 20_000);
      const status = await runKsa(['status', runId], options);
      const row = status.stdout.split('\n').find((line) => line.trimStart().startsWith('train ')) ?? '';
      expect(row).toMatch(/^ {2}train +waiting +1 +– +waiting for a worker \d+(\.\d)?s \(labels: tpu\)$/);
      expect((await runKsa(['cancel', runId], options)).code).toBe(0);
      await owner.result;
    } finally {
      owner.kill('SIGKILL');
    }
  }, 90_000);
});
