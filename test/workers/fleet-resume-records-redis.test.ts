import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialRunState, PlanSchema } from '../../src/planning/index.js';
import { RunStore } from '../../src/store/index.js';
import { describeResult, eventually, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { killGroup } from '../helpers/durable.js';
import { sharedFleet } from '../helpers/fleet.js';

// A run done here that `ksa resume --redis` then sent to workers records that Redis before its first job is queued,
// as `ksa run --redis` does: that resume killed -9 mid-step, ksa resume and ksa cancel without it refuse the run
// (naming it) instead of running here, or calling cancelled, a step its worker still runs. So does `ksa cancel --redis`
// of a run whose steps went to workers but that recorded no Redis (as an older ksa wrote them): its rollbacks go there.

const fleet = sharedFleet('ksa-fleet-resume-records-redis-');
const orphans: number[] = [];
beforeAll(async () => {
  await fleet.worker('rec-w1', []);
}, 60_000);
afterAll(() => {
  for (const pid of orphans) killGroup(pid);
});

const plan = (dir: string) => `goal: Sent on resume
steps:
  - id: a
    tool: shell
    args: { command: "echo $$ > ${dir}/a.pid; touch ${dir}/a.started; while [ ! -f ${dir}/go ]; do sleep 0.1; done; echo \\"a $KSA_WORKER\\" >> ${dir}/ran.log" }
`;

/** Waits for step a to start, then kills `pid` (-9) and the step's process group. */
async function killedDuringA(dir: string, process: ReturnType<typeof startKsa>): Promise<void> {
  await eventually(() => (existsSync(path.join(dir, 'a.started')) ? true : undefined), 20_000);
  process.kill('SIGKILL');
  await process.result;
  const step = Number(readFileSync(path.join(dir, 'a.pid'), 'utf8'));
  orphans.push(step);
  rmSync(path.join(dir, 'a.started'));
  return void step;
}

describe('ksa resume --redis of a run that recorded no Redis', () => {
  it('records it before its step is queued: killed -9 mid-step, resume and cancel without it refuse the run', async () => {
    const { dir, redis } = fleet;
    const { home } = fleet.box;
    const env = { KSA_REDIS_URL: undefined };
    writeFileSync(path.join(dir, 'plan.yaml'), plan(dir));
    const run = startKsa(['run', 'plan.yaml', '--yes', '--json'], { home, cwd: dir, env, timeoutMs: 30_000 });
    await eventually(() => (run.stdout().includes('"runId"') ? true : undefined), 20_000);
    const { runId } = parseNdjson(run.stdout())[0]!;
    await killedDuringA(dir, run);
    killGroup(Number(readFileSync(path.join(dir, 'a.pid'), 'utf8')));

    const resume = startKsa(['resume', runId, '--yes', '--redis', redis.url], { home, cwd: dir, env, timeoutMs: 30_000 });
    await killedDuringA(dir, resume);
    expect(JSON.parse(readFileSync(path.join(home, 'runs', runId, 'run.json'), 'utf8')).redis).toBe(redis.url);

    for (const command of ['resume', 'cancel'] as const) {
      const refused = await runKsa([command, runId, '--yes'], { home, cwd: dir, env, timeoutMs: 20_000 });
      expect(refused.code, describeResult(refused)).toBe(2);
      expect(refused.stderr).toContain(`run ${runId} sent its steps to workers through ${redis.url}`);
    }
    expect(existsSync(path.join(dir, 'ran.log'))).toBe(false);

    // Its worker's step ends; the resume through its Redis takes that result instead of running the step again.
    writeFileSync(path.join(dir, 'go'), '');
    const resumed = await runKsa(['resume', runId, '--yes', '--redis', redis.url], { home, cwd: dir, env, timeoutMs: 30_000 });
    expect(resumed.code, describeResult(resumed)).toBe(0);
    expect(readFileSync(path.join(dir, 'ran.log'), 'utf8')).toBe('a rec-w1\n');
  }, 90_000);
});

describe('ksa cancel --redis of a run whose steps went to workers, that recorded no Redis', () => {
  it('records it before its rollback is queued on the worker that ran the step', async () => {
    const { dir, redis } = fleet;
    const { home } = fleet.box;
    const runId = 'cancel-records';
    const seen = path.join(dir, 'seen-run.json');
    // The rollback, on the worker, copies the run's record as it is on disk when the rollback's job runs.
    const plan = PlanSchema.parse({ goal: 'Undone on its worker', steps: [{ id: 'a', tool: 'shell', args: { command: 'true' }, rollback: { tool: 'shell', args: { command: `cp ${path.join(home, 'runs', runId, 'run.json')} ${seen}; echo "undo $KSA_WORKER" >> ${dir}/undo.log` } } }] });
    const state = initialRunState(runId, plan.goal, ['a'], {});
    const at = new Date().toISOString();
    state.status = 'running';
    state.startedAt = at;
    state.steps.a = { status: 'succeeded', attempts: 1, startedAt: at, endedAt: at, worker: 'rec-w1', attemptWorkers: [{ attempt: 1, worker: 'rec-w1' }], output: { stdout: '', stderr: '', exitCode: 0 } };
    state.completed = ['a'];
    const run = await new RunStore(home).create({ runId, goal: plan.goal, createdAt: at, workspace: dir, plan, inputs: {}, allowedEnv: [], state }, 'test');
    await run.close();

    const env = { KSA_REDIS_URL: undefined };
    const cancelled = await runKsa(['cancel', runId, '--yes', '--redis', redis.url], { home, cwd: dir, env, timeoutMs: 30_000 });
    expect(cancelled.code, describeResult(cancelled)).toBe(0);
    expect(readFileSync(path.join(dir, 'undo.log'), 'utf8')).toBe('undo rec-w1\n');
    expect(JSON.parse(readFileSync(seen, 'utf8')).redis).toBe(redis.url);
    expect(JSON.parse(readFileSync(path.join(home, 'runs', runId, 'run.json'), 'utf8')).redis).toBe(redis.url);
  }, 60_000);
});
