import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventually, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { ksaJson, statusOf, type StatusDoc } from '../helpers/durable.js';
import { fleetScenarios, waitForJobState } from '../helpers/fleet.js';

// ksa cancel of a run killed (kill -9) between queueing a fan-out's parts and writing so in its record: the
// workers ran them all the same. A part's job id is <run>.<step>.<attempt>.<worker>: the cancel finds each
// part, records the step on the workers that took one, and rolls it back on each of them.

const fleet = fleetScenarios('ksa-fleet-cancel-unrecorded-fan-out-');

const PLAN = `goal: A fan-out beside a long step
steps:
  - { id: f, tool: shell, runsOn: [web], args: { command: "touch f.started; sleep 30" } }
  - id: p
    tool: shell
    runsOn: { labels: [web], each: true }
    args: { command: "echo run-p-$KSA_WORKER >> ran.txt" }
    rollback: { tool: shell, args: { command: "echo rb-p-$KSA_WORKER >> ran.txt" } }
`;

describe('ksa cancel of a dead run whose record missed a fan-out the workers ran', () => {
  it('finds every part in Redis, records the step on their workers and rolls it back on each', async () => {
    const { redis, dir, home } = await fleet.setup('fan-out', ['w1', 'w2'], { labels: ['web'], concurrency: 2 });
    const planFile = await fleet.sandbox.writePlan('fan-out/plan.yaml', PLAN);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await eventually(() => (existsSync(path.join(dir, 'f.started')) ? true : undefined), 20_000);
    const runId = (parseNdjson(run.stdout())[0] as { runId: string }).runId;
    for (const worker of ['w1', 'w2']) await waitForJobState(redis.url, `worker-${worker}`, `${runId}.p.1.${worker}`, 'completed');
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
    const ran = readFileSync(path.join(dir, 'ran.txt'), 'utf8').trim().split('\n');
    expect(ran.slice(0, 2).sort()).toEqual(['run-p-w1', 'run-p-w2']);
    expect(ran.slice(2).sort()).toEqual(['rb-p-w1', 'rb-p-w2']);
    const status = await ksaJson<StatusDoc>(['status', runId], { home });
    const p = statusOf(status, 'p') as unknown as { worker?: string; rollback?: { status: string } };
    expect(p.worker).toBe('w1,w2');
    expect(p.rollback?.status).toBe('succeeded');
  }, 120_000);
});
