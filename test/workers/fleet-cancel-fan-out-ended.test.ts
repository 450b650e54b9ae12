import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventually, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { ksaJson, statusOf, waitForStoredStatus, type StatusDoc } from '../helpers/durable.js';
import { fleetScenarios, waitForJobState } from '../helpers/fleet.js';

// ksa cancel of a run whose process died (kill -9) while a fan-out ran on its workers: the cancel reads each
// part's job, as a resume collects them. All ended: the step succeeded then, with each worker's output, and is
// undone in its place; some still running: cut short, but undone where its parts had succeeded, with their output.

const fleet = fleetScenarios('ksa-fleet-cancel-fan-out-ended-');

const PLAN = `goal: A fan-out that ends on its workers after the run died
runsOn: [web]
steps:
  - id: early
    tool: shell
    args: { command: "echo early" }
    rollback: { tool: shell, args: { command: "echo rb-early >> ran.log" } }
  - id: p
    dependsOn: [early]
    runsOn: { labels: [web], each: true }
    tool: shell
    args: { command: "touch p-$KSA_WORKER.started; while [ ! -f p-$KSA_WORKER.go ]; do sleep 0.1; done; echo out-$KSA_WORKER" }
    rollback: { tool: shell, args: { command: "echo rb-p-$KSA_WORKER-'{{ steps.p.output[\\"w1\\"].stdout }}' >> ran.log" } }
  - id: app
    dependsOn: [early]
    tool: shell
    args: { command: "touch app.started; while [ ! -f app.go ]; do sleep 0.1; done; echo app" }
    rollback: { tool: shell, args: { command: "echo rb-app >> ran.log" } }
`;

type JobTimes = { startedAt: string; endedAt: string };

async function jobTimes(url: string, key: string): Promise<{ start: number; end: number }> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url);
  try {
    const [processedOn, finishedOn] = await client.hmget(key, 'processedOn', 'finishedOn');
    return { start: Number(processedOn), end: Number(finishedOn) };
  } finally {
    client.disconnect();
  }
}

/** A run killed once early succeeded and p (on w1 and w2) and app are under way on their workers. */
async function deadRun(name: string) {
  const scenario = await fleet.setup(name, ['w1', 'w2'], { labels: ['web'], concurrency: 2 });
  const { redis, dir, home } = scenario;
  const planFile = await fleet.sandbox.writePlan(`${name}/plan.yaml`, PLAN);
  const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
  await eventually(() => (['p-w1', 'p-w2', 'app'].every((gate) => existsSync(path.join(dir, `${gate}.started`))) ? true : undefined), 20_000);
  const runId = (parseNdjson(run.stdout())[0] as { runId: string }).runId;
  await waitForStoredStatus(runId, 'p', 'running', { home, cwd: dir });
  await waitForStoredStatus(runId, 'app', 'running', { home, cwd: dir });
  await eventually(async () => (statusOf(await ksaJson<StatusDoc>(['status', runId], { home }), 'p').worker), 10_000);
  run.kill('SIGKILL');
  await run.result.catch(() => undefined);
  return { ...scenario, runId };
}

const ranLog = (dir: string) => readFileSync(path.join(dir, 'ran.log'), 'utf8').trim().split('\n');

describe('ksa cancel of a dead run whose fan-out went on on its workers', () => {
  it("every part ended: recorded succeeded at its workers' times with each one's output, and rolled back in its place by its end", async () => {
    const { redis, dir, home, runId } = await deadRun('all-ended');
    for (const worker of ['w1', 'w2']) writeFileSync(path.join(dir, `p-${worker}.go`), '');
    for (const worker of ['w1', 'w2']) await waitForJobState(redis.url, `worker-${worker}`, `${runId}.p.1.${worker}`, 'completed');
    // app ends after the fan-out: it is undone before it.
    writeFileSync(path.join(dir, 'app.go'), '');
    await waitForJobState(redis.url, 'steps-web', `${runId}.app.1`, 'completed');
    const parts = await Promise.all(['w1', 'w2'].map((worker) => jobTimes(redis.url, `ksa:worker-${worker}:${runId}.p.1.${worker}`)));
    const expected: JobTimes = { startedAt: new Date(Math.min(...parts.map((part) => part.start))).toISOString(), endedAt: new Date(Math.max(...parts.map((part) => part.end))).toISOString() };

    const cancel = await runKsa(['cancel', runId, '--yes', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    expect(cancel.code, describeResult(cancel)).toBe(0);
    expect(cancel.stderr).toContain('Cancelling rolls back, newest first: app, p, early.');
    const ran = ranLog(dir);
    expect([ran[0], ran.slice(1, 3).sort(), ran[3]]).toEqual(['rb-app', ['rb-p-w1-out-w1', 'rb-p-w2-out-w1'], 'rb-early']);

    const status = await ksaJson<StatusDoc>(['status', runId], { home });
    expect(status.status).toBe('cancelled');
    const p = statusOf(status, 'p') as unknown as { status: string; worker: string; startedAt: string; endedAt: string; rollback?: { status: string } };
    expect({ ...p, rollback: p.rollback?.status }).toMatchObject({ status: 'rolled_back', worker: 'w1,w2', ...expected, rollback: 'succeeded' });
  }, 120_000);

  it('a part still running: the step is cut short by the cancel, and its rollback, which reads its output, runs where a part had succeeded', async () => {
    const { redis, dir, home, runId } = await deadRun('one-ended');
    writeFileSync(path.join(dir, 'p-w1.go'), '');
    await waitForJobState(redis.url, 'worker-w1', `${runId}.p.1.w1`, 'completed');

    const cancel = await runKsa(['cancel', runId, '--yes', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    expect(cancel.code, describeResult(cancel)).toBe(0);
    // app, cut short too, reads nothing of its output: it is undone as before.
    expect(cancel.stderr).toContain('Cancelling rolls back, newest first: app, p, early.');
    expect(ranLog(dir)).toEqual(['rb-app', 'rb-p-w1-out-w1', 'rb-early']);
    const status = await ksaJson<StatusDoc>(['status', runId], { home });
    const p = statusOf(status, 'p') as unknown as { status: string; succeededOn?: string; rollback?: { status: string } };
    expect({ ...p, rollback: p.rollback?.status }).toMatchObject({ status: 'cancelled', succeededOn: 'w1', rollback: 'succeeded' });
  }, 120_000);
});
