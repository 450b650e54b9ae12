import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventually, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { ksaJson, statusOf, waitForStoredStatus, type StatusDoc } from '../helpers/durable.js';
import { fleetScenarios, killedMidStep, resumedOnFreshWorker, startWorker } from '../helpers/fleet.js';

// The coordinator, its worker and the step's process all killed with kill -9 mid-step: the attempt was cut short
// by the run's stop, not lost under a watching coordinator. ksa resume runs it again under its number on a fresh
// worker, as it says, whether or not the step has retries (a local run's interrupted attempt does the same).

const fleet = fleetScenarios('ksa-fleet-resume-cut-short-lost-');

const plan = (retry: string) =>
  `goal: Cut short with its worker\nsteps:\n  - id: slow\n    runsOn: [box]\n    tool: shell\n${retry}    args: { command: "test -f go && exit 0; echo $$ > slow.pid; sleep 60" }\n`;

type AttemptsDoc = StatusDoc & { steps: (StatusDoc['steps'][number] & { attemptWorkers?: { attempt: number; worker: string }[] })[] };

describe('workers: ksa resume of a run whose coordinator and worker were killed mid-step', () => {
  for (const [name, retry] of [
    ['without retry', ''],
    ['with retry: { maxAttempts: 2 }', '    retry: { maxAttempts: 2 }\n'],
  ] as const) {
    it(`runs the cut-short attempt again under its number on a fresh worker (${name}), not as a lost attempt`, async () => {
      const scenario = await fleet.setup(name.replace(/\W+/g, '-'), ['box-1'], { labels: ['box'] });
      const runId = await killedMidStep(fleet.orphans, scenario, plan(retry), ['--redis', scenario.redis.url], 'slow');
      const resume = await resumedOnFreshWorker(scenario, runId, 'box-2', []);
      expect(resume.code, describeResult(resume)).toBe(0);
      expect(resume.stderr).toContain('slow succeeded');
      expect(resume.stderr).not.toContain('attempt lost');
      const status = await ksaJson<AttemptsDoc>(['status', runId], { home: scenario.home, cwd: scenario.dir });
      expect(status.status).toBe('succeeded');
      const slow = statusOf(status, 'slow') as AttemptsDoc['steps'][number];
      expect(slow).toMatchObject({ status: 'succeeded', attempts: 1, worker: 'box-2' });
      expect(slow.attemptWorkers ?? [{ attempt: 1, worker: slow.worker }]).toEqual([{ attempt: 1, worker: 'box-2' }]);
      expect(readFileSync(path.join(status.logDir, 'slow.log'), 'utf8')).toMatch(/this attempt was cut short with the run: .* while no ksa watched it; it runs again\n/);
    }, 120_000);
  }

  // Resumed at once, the dead worker's job lock still in Redis (a minute long here, 5 s by default): the lock is its
  // holder's, which is gone, so it does not keep the attempt from running again.
  it('runs it again when resumed at once, while the dead worker still holds its job lock', async () => {
    const scenario = await fleet.setup('at-once', []);
    const { redis, dir, home, workers } = scenario;
    workers.set('box-1', await startWorker(redis.url, 'box-1', { labels: ['box'], cwd: dir, home, env: { KSA_WORKER_LOCK_MS: '60000' } }));
    const runId = await killedMidStep(fleet.orphans, scenario, plan(''), ['--redis', redis.url], 'slow');
    workers.set('box-2', await startWorker(redis.url, 'box-2', { labels: ['box'], cwd: dir, home }));
    writeFileSync(path.join(dir, 'go'), '');
    const resume = await runKsa(['resume', runId, '--yes', '--redis', redis.url], { home, cwd: dir, timeoutMs: 30_000 });
    expect(resume.code, describeResult(resume)).toBe(0);
    expect(resume.stderr).toContain('slow succeeded');
    const status = await ksaJson<AttemptsDoc>(['status', runId], { home, cwd: dir });
    expect(statusOf(status, 'slow')).toMatchObject({ status: 'succeeded', attempts: 1, worker: 'box-2' });
    expect(readFileSync(path.join(status.logDir, 'slow.log'), 'utf8')).toMatch(/this attempt was cut short with the run: .* while no ksa watched it; it runs again\n/);
  }, 120_000);

  it('leaves the attempt to its worker when only the coordinator was killed: it runs once, and its result is collected', async () => {
    const { redis, dir, home } = await fleet.setup('live-worker', ['box-1'], { labels: ['box'] });
    writeFileSync(path.join(dir, 'plan.yaml'), `goal: Cut short, worker alive\nsteps:\n  - id: slow\n    runsOn: [box]\n    tool: shell\n    args: { command: "echo $$ >> ran.log; while [ ! -f go ]; do sleep 0.1; done" }\n`);
    const run = startKsa(['run', 'plan.yaml', '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await eventually(() => (existsSync(path.join(dir, 'ran.log')) ? true : undefined), 20_000);
    const { runId } = parseNdjson(run.stdout())[0]!;
    await waitForStoredStatus(runId, 'slow', 'running', { home, cwd: dir });
    run.kill('SIGKILL');
    await run.result;
    const resume = startKsa(['resume', runId, '--yes', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await resume.waitForOutput((stdout, stderr) => /slow started/.test(stdout + stderr), 20_000);
    writeFileSync(path.join(dir, 'go'), '');
    const result = await resume.result;
    expect(result.code, describeResult(result)).toBe(0);
    expect(readFileSync(path.join(dir, 'ran.log'), 'utf8').trim().split('\n')).toHaveLength(1);
    const status = await ksaJson<StatusDoc>(['status', runId], { home, cwd: dir });
    expect(statusOf(status, 'slow')).toMatchObject({ status: 'succeeded', attempts: 1, worker: 'box-1' });
  }, 120_000);
});
