import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, eventually, parseNdjson, startKsa } from '../helpers/cli.js';
import { ksaJson, statusOf, type StatusDoc } from '../helpers/durable.js';
import { fleetScenarios, startWorker, waitForJobState } from '../helpers/fleet.js';

// A worker may take a step, and run it to its end, before the run's stop reaches it: the coordinator hears
// of workers late (behind on their events). That step ran: it is recorded as it went there (started on that
// worker, succeeded) and undone with the others, not "cancelled, never started" with its rollback skipped.
// Made certain here by stopping the coordinator (SIGSTOP) while f0 fails and a worker takes deploy and
// runs it: when the coordinator goes on, it hears of f0's failure before anything of deploy.

const fleet = fleetScenarios('ksa-fleet-stop-taken-');

const PLAN = `goal: A step taken before the stop reached it
steps:
  - id: f0
    runsOn: [b]
    tool: shell
    args: { command: "touch f0.started; while [ ! -f gate ]; do sleep 0.05; done; exit 3" }
  - id: deploy
    runsOn: [a]
    tool: shell
    args: { command: "echo deployed on $KSA_WORKER >> marker.txt" }
    rollback: { tool: shell, args: { command: "echo undone on $KSA_WORKER >> marker.txt" } }
`;

describe('a step a worker took before the run stopped', () => {
  it('ran to its end there: recorded started on that worker and succeeded, then rolled back with the others', async () => {
    const { redis, dir, home, workers } = await fleet.setup('taken', []);
    workers.set('wb', await startWorker(redis.url, 'wb', { labels: ['b'], cwd: dir, home }));
    const planFile = await fleet.sandbox.writePlan('taken/plan.yaml', PLAN);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 90_000 });
    // f0 runs on wb, and deploy waits: no worker has label a yet.
    await run.waitForOutput((stdout) => stdout.includes('waiting for a worker (labels: a)') && stdout.includes('"step_started"'), 30_000);
    await eventually(() => (existsSync(path.join(dir, 'f0.started')) ? true : undefined), 20_000);
    const { runId } = parseNdjson(run.stdout())[0]!;
    run.kill('SIGSTOP');
    try {
      writeFileSync(path.join(dir, 'gate'), '');
      await waitForJobState(redis.url, 'steps-b', `${runId}.f0.1`, 'failed');
      workers.set('wa', await startWorker(redis.url, 'wa', { labels: ['a'], cwd: dir, home }));
      await waitForJobState(redis.url, 'steps-a', `${runId}.deploy.1`, 'completed');
    } finally {
      run.kill('SIGCONT');
    }
    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(1);
    expect(readFileSync(path.join(dir, 'marker.txt'), 'utf8')).toBe('deployed on wa\nundone on wa\n');
    const events = parseNdjson(result.stdout);
    expect(eventsOf(events, 'step_cancelled', 'deploy')).toEqual([]);
    expect(eventsOf(events, 'step_started', 'deploy')).toMatchObject([{ worker: 'wa' }]);
    expect(eventsOf(events, 'step_succeeded', 'deploy')).toMatchObject([{ worker: 'wa' }]);
    expect(eventsOf(events, 'rollback_step_succeeded', 'deploy')).toMatchObject([{ worker: 'wa' }]);
    const status = await ksaJson<StatusDoc>(['status', runId, '--json'], { home, cwd: dir });
    expect(status.status).toBe('failed');
    expect(statusOf(status, 'f0')).toMatchObject({ status: 'failed', worker: 'wb' });
    expect(statusOf(status, 'deploy')).toMatchObject({ status: 'rolled_back', attempts: 1, worker: 'wa', rollback: { status: 'succeeded' } });
  }, 120_000);
});
