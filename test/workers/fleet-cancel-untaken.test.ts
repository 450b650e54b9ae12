import { describe, expect, it } from 'vitest';
import { describeResult, eventually, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { ksaJson, lineCounts, readPids, statusOf, type StatusDoc, waitForStoredStatus } from '../helpers/durable.js';
import { fleetScenarios, startWorker } from '../helpers/fleet.js';

// ksa cancel --redis of a run whose process died (kill -9) while a step waited for a worker: the step's
// attempt is undone as a live cancel would undo it. One no worker took did nothing and is not undone;
// one a worker took after the kill is undone on that worker, not on the machine that cancels.

const fleet = fleetScenarios('ksa-fleet-cancel-untaken-');

const PLAN = `goal: Cancel a waiting step
steps:
  - id: first
    runsOn: [cpu]
    tool: shell
    args: { command: "echo first >> ran.log" }
    rollback: { tool: shell, args: { command: "echo undo-first on \${KSA_WORKER:-no-worker} >> ran.log" } }
  - id: g
    dependsOn: [first]
    runsOn: [gpu]
    tool: shell
    args: { command: "echo g >> ran.log; echo $$ >> g.pids; while [ ! -f never ]; do sleep 0.1; done" }
    rollback: { tool: shell, args: { command: "echo undo-g on \${KSA_WORKER:-no-worker} >> ran.log" } }
`;

async function killWhileWaiting(name: string) {
  const scenario = await fleet.setup(name, []);
  const { redis, dir, home, workers } = scenario;
  workers.set('cpu-1', await startWorker(redis.url, 'cpu-1', { labels: ['cpu'], cwd: dir, home }));
  const planFile = await fleet.sandbox.writePlan(`${name}/plan.yaml`, PLAN);
  const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url, '--worker-wait', '5m'], { home, cwd: dir, timeoutMs: 60_000 });
  await run.waitForOutput((stdout) => stdout.includes('waiting for a worker (labels: gpu)'), 20_000);
  const { runId } = parseNdjson(run.stdout())[0]!;
  // Killed once the record has g's attempt under way (its writes come up to 50 ms after the event).
  await waitForStoredStatus(runId, 'g', 'running', { home, cwd: dir });
  run.kill('SIGKILL');
  await run.result;
  return { ...scenario, runId };
}

describe('ksa cancel --redis of a dead run whose step waited for a worker', () => {
  it('no worker took it: its queued job is removed and it is not undone (only first is, on its worker)', async () => {
    const { redis, dir, home, runId } = await killWhileWaiting('untaken');
    const cancel = await runKsa(['cancel', runId, '--yes', '--redis', redis.url], { home, cwd: dir, timeoutMs: 30_000 });
    expect(cancel.code, describeResult(cancel)).toBe(0);
    expect(cancel.stderr).toContain('Cancelling rolls back, newest first: first.\n');
    expect(cancel.stderr).toContain(`In ${redis.url}: removed 1 queued job.`);
    expect(Object.fromEntries(lineCounts(dir))).toEqual({ first: 1, 'undo-first on cpu-1': 1 });
    const status = await ksaJson<StatusDoc>(['status', runId, '--json'], { home, cwd: dir });
    expect(status.status).toBe('cancelled');
    expect(statusOf(status, 'g')).toMatchObject({ status: 'cancelled', attempts: 0 });
  }, 90_000);

  it('a worker took it after the kill: it is stopped there and undone on that worker', async () => {
    const { redis, dir, home, runId, workers } = await killWhileWaiting('taken');
    workers.set('gpu-1', await startWorker(redis.url, 'gpu-1', { labels: ['gpu'], cwd: dir, home }));
    await eventually(() => (lineCounts(dir).get('g') === 1 ? true : undefined), 20_000);
    for (const pid of readPids(dir, 'g.pids')) fleet.orphans.add(pid);
    const cancel = await runKsa(['cancel', runId, '--yes', '--redis', redis.url], { home, cwd: dir, timeoutMs: 30_000 });
    expect(cancel.code, describeResult(cancel)).toBe(0);
    expect(cancel.stderr).toContain('Cancelling rolls back, newest first: g, first.\n');
    expect(cancel.stderr).toContain(`In ${redis.url}: stopped 1 running job on gpu-1.`);
    expect(Object.fromEntries(lineCounts(dir))).toEqual({ first: 1, g: 1, 'undo-g on gpu-1': 1, 'undo-first on cpu-1': 1 });
    const status = await ksaJson<StatusDoc>(['status', runId, '--json'], { home, cwd: dir });
    expect(status.status).toBe('cancelled');
    expect(statusOf(status, 'g')).toMatchObject({ status: 'cancelled', worker: 'gpu-1', rollback: { status: 'succeeded' } });
  }, 90_000);
});
