import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventually, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { ksaJson, statusOf, type StatusDoc } from '../helpers/durable.js';
import { fleetScenarios, waitForJobState } from '../helpers/fleet.js';

// ksa cancel of a run killed (kill -9) between queueing a step's job and writing so in its record: a worker
// ran the job all the same. Job ids are <run>.<step>.<attempt>, so the cancel finds it and undoes it.

const fleet = fleetScenarios('ksa-fleet-cancel-unrecorded-');

const PLAN = `goal: A quick step beside a long one
steps:
  - { id: f, tool: shell, runsOn: [web], args: { command: "touch f.started; sleep 30" } }
  - id: p
    tool: shell
    runsOn: [web]
    args: { command: "echo run-p >> ran.txt" }
    rollback: { tool: shell, args: { command: "echo rb-p >> ran.txt" } }
`;

describe('ksa cancel of a dead run whose record missed an attempt a worker ran', () => {
  it('finds the attempt in Redis, records it on its worker and rolls it back there', async () => {
    const { redis, dir, home } = await fleet.setup('unrecorded', ['w1'], { labels: ['web'], concurrency: 2 });
    const planFile = await fleet.sandbox.writePlan('unrecorded/plan.yaml', PLAN);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await eventually(() => (existsSync(path.join(dir, 'f.started')) ? true : undefined), 20_000);
    const runId = (parseNdjson(run.stdout())[0] as { runId: string }).runId;
    await waitForJobState(redis.url, 'steps-web', `${runId}.p.1`, 'completed');
    run.kill('SIGKILL');
    await run.result.catch(() => undefined);
    // The record as a run killed before it wrote p's attempt leaves it: p never started.
    const file = path.join(home, 'runs', runId, 'run.json');
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { state: { steps: Record<string, unknown>; completed?: string[] } };
    stored.state.steps.p = { status: 'pending', attempts: 0 };
    if (stored.state.completed) stored.state.completed = stored.state.completed.filter((id) => id !== 'p');
    writeFileSync(file, JSON.stringify(stored));
    rmSync(path.join(home, 'runs', runId, 'succeeded.ndjson'), { force: true });

    const cancel = await runKsa(['cancel', runId, '--yes', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    expect(cancel.code, describeResult(cancel)).toBe(0);
    expect(readFileSync(path.join(dir, 'ran.txt'), 'utf8').trim().split('\n')).toEqual(['run-p', 'rb-p']);
    const status = await ksaJson<StatusDoc>(['status', runId], { home });
    const p = statusOf(status, 'p') as unknown as { worker?: string; rollback?: { status: string } };
    expect(p.worker).toBe('w1');
    expect(p.rollback?.status).toBe('succeeded');
  }, 120_000);
});
