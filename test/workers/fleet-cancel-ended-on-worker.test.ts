import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventually, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { ksaJson, readRunFile, statusOf, waitForStoredStatus, type StatusDoc } from '../helpers/durable.js';
import { fleetScenarios, waitForJobState } from '../helpers/fleet.js';

// ksa cancel of a run whose process died (kill -9) while its steps ran on a worker, which ran them to their end
// before the cancel: each is recorded as it ended there, when it ended there, not as cut short by the cancel.

const fleet = fleetScenarios('ksa-fleet-cancel-ended-');

const gated = (name: string, then: string) => `touch ${name}.started; while [ ! -f ${name}.go ]; do sleep 0.1; done; ${then}`;

const PLAN = `goal: Steps that end on their worker after the run died
runsOn: [web]
steps:
  - id: app
    tool: shell
    args: { command: "${gated('app', 'echo deployed')}" }
    rollback: { tool: shell, args: { command: "echo undo-app >> ran.log" } }
  - id: bad
    tool: shell
    args: { command: "${gated('bad', 'echo broken >&2; exit 3')}" }
    rollback: { tool: shell, args: { command: "echo undo-bad >> ran.log" } }
`;

/** A job's start and end by its worker (BullMQ's processedOn and finishedOn), as ISO times. */
async function jobTimes(url: string, jobId: string): Promise<{ startedAt: string; endedAt: string }> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url);
  try {
    const [processedOn, finishedOn] = await client.hmget(`ksa:steps-web:${jobId}`, 'processedOn', 'finishedOn');
    return { startedAt: new Date(Number(processedOn)).toISOString(), endedAt: new Date(Number(finishedOn)).toISOString() };
  } finally {
    client.disconnect();
  }
}

describe('ksa cancel of a dead run whose steps ended on their worker meanwhile', () => {
  it("records each at its worker's times: one that succeeded as succeeded (its output kept) and rolled back, one that failed of itself as failed and not undone", async () => {
    const { redis, dir, home } = await fleet.setup('ended', ['w1'], { labels: ['web'], concurrency: 2 });
    const planFile = await fleet.sandbox.writePlan('ended/plan.yaml', PLAN);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await eventually(() => (existsSync(path.join(dir, 'app.started')) && existsSync(path.join(dir, 'bad.started')) ? true : undefined), 20_000);
    const runId = (parseNdjson(run.stdout())[0] as { runId: string }).runId;
    await waitForStoredStatus(runId, 'app', 'running', { home, cwd: dir });
    await waitForStoredStatus(runId, 'bad', 'running', { home, cwd: dir });
    run.kill('SIGKILL');
    await run.result.catch(() => undefined);
    writeFileSync(path.join(dir, 'app.go'), '');
    writeFileSync(path.join(dir, 'bad.go'), '');
    await waitForJobState(redis.url, 'steps-web', `${runId}.app.1`, 'completed');
    await waitForJobState(redis.url, 'steps-web', `${runId}.bad.1`, 'failed');
    const app = await jobTimes(redis.url, `${runId}.app.1`);
    const bad = await jobTimes(redis.url, `${runId}.bad.1`);

    const cancel = await runKsa(['cancel', runId, '--yes', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    expect(cancel.code, describeResult(cancel)).toBe(0);
    expect(cancel.stderr).toContain('Cancelling rolls back, newest first: app.');
    expect(readFileSync(path.join(dir, 'ran.log'), 'utf8').trim().split('\n')).toEqual(['undo-app']);

    const status = await ksaJson<StatusDoc>(['status', runId], { home });
    expect(status.status).toBe('cancelled');
    const appStatus = statusOf(status, 'app') as unknown as { status: string; startedAt: string; endedAt: string; durationMs: number; worker: string; rollback?: { status: string } };
    expect({ ...appStatus, rollback: appStatus.rollback?.status }).toMatchObject({ status: 'rolled_back', ...app, durationMs: Date.parse(app.endedAt) - Date.parse(app.startedAt), worker: 'w1', rollback: 'succeeded' });
    const badStatus = statusOf(status, 'bad') as unknown as { status: string; startedAt: string; endedAt: string; error: string; rollback?: unknown };
    expect(badStatus).toMatchObject({ status: 'failed', ...bad, worker: 'w1' });
    expect(badStatus.error).toBe('command exited with code 3: broken');
    expect(badStatus.rollback).toBeUndefined();
    expect(status.error).toContain('step "bad" failed');
    expect((readRunFile(home, runId)?.state.steps.app as { output?: { stdout?: string } }).output?.stdout?.trim()).toBe('deployed');
  }, 120_000);
});
