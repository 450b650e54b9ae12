import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { describeResult, eventually, startKsa } from '../helpers/cli.js';
import { fleetScenarios, startWorker } from '../helpers/fleet.js';
import { isProcessAlive, waitFor } from '../helpers/tool-context.js';

// A secret input travels to the worker in its job. A worker killed with kill -9 mid-step can neither
// take it out of the job nor hide it from what it prints when it comes back: the coordinator scrubs the
// job of the lost attempt (or, when the run ends before it knows the attempt lost, every job still holding
// it), and the worker's next start names what it stops without its arguments.

const fleet = fleetScenarios('ksa-fleet-lost-secrets-');
const SECRET = 'Lost9Secret-in-args';
const SECRET_PLAN = `goal: A secret on a worker that dies
inputs: { dbPassword: changeme }
steps:
  - id: slow
    tool: shell
    args: { command: "echo $$ > slow.pid; echo connecting with {{ inputs.dbPassword }}; sleep 60; echo done" }
`;

/** Runs a step holding the secret on box-1 and kills box-1 (kill -9) mid-step; resolves once the run has failed. */
async function killedMidStep(name: string) {
  const scenario = await fleet.setup(name, ['box-1']);
  const { redis, dir, home, workers } = scenario;
  const planFile = await fleet.sandbox.writePlan(`${name}/plan.yaml`, SECRET_PLAN);
  const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url, '--worker-wait', '2s', '--input', `dbPassword=${SECRET}`], { home, cwd: dir, timeoutMs: 60_000 });
  const pid = await eventually(() => (existsSync(path.join(dir, 'slow.pid')) ? Number(readFileSync(path.join(dir, 'slow.pid'), 'utf8')) : undefined), 20_000);
  fleet.orphans.add(pid);
  // The shell writes its pid before the worker has recorded its process group: killed before that, the worker's
  // next start would have nothing to stop.
  const recorded = path.join(home, 'workers', 'box-1', 'processes.json');
  await eventually(() => (existsSync(recorded) && (JSON.parse(readFileSync(recorded, 'utf8')) as { groups: number[] }).groups.includes(pid) ? true : undefined), 20_000);
  workers.get('box-1')!.kill('SIGKILL');
  await workers.get('box-1')!.result;
  const result = await run.result;
  expect(result.code, describeResult(result)).toBe(1);
  expect(result.stdout).toContain('attempt lost');
  return { ...scenario, pid };
}

describe.concurrent('workers: a secret input of a step whose worker died', () => {
  it('is not left in clear in the lost attempt\'s job, which Redis keeps a day', async () => {
    const { redis } = await killedMidStep('job');
    const client = new Redis(redis.url);
    try {
      const keys = await client.keys('ksa:steps:*.slow.1');
      expect(keys).toHaveLength(1);
      const data = (await client.hget(keys[0]!, 'data')) ?? '';
      expect(data.includes(SECRET), 'the job still holds the secret in clear').toBe(false);
      expect(data).toContain('connecting with ***');
    } finally {
      client.disconnect();
    }
  }, 90_000);

  it('is taken out, when the run ends, of a job whose worker died before the run knew it was lost', async () => {
    const { redis, dir, home, workers } = await fleet.setup('run-end', []);
    // A lock of a minute: the run ends (cancelled) long before it finds the attempt lost, so only its end scrubs the job.
    const worker = await startWorker(redis.url, 'box-1', { cwd: dir, home, env: { KSA_WORKER_LOCK_MS: '60000', KSA_WORKER_STALLED_MS: '30000' } });
    workers.set('box-1', worker);
    const planFile = await fleet.sandbox.writePlan('run-end/plan.yaml', SECRET_PLAN);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url, '--input', `dbPassword=${SECRET}`], { home, cwd: dir, timeoutMs: 60_000 });
    const pid = await eventually(() => (existsSync(path.join(dir, 'slow.pid')) ? Number(readFileSync(path.join(dir, 'slow.pid'), 'utf8')) : undefined), 20_000);
    fleet.orphans.add(pid);
    worker.kill('SIGKILL');
    await worker.result;
    run.kill('SIGINT');
    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(130);
    expect(result.stdout).not.toContain('attempt lost');
    const client = new Redis(redis.url);
    try {
      const keys = await client.keys('ksa:steps:*.slow.1');
      expect(keys).toHaveLength(1);
      // Still held by the dead worker's lock: nothing but the run's end took the secret out.
      expect(await client.exists(`${keys[0]!}:lock`)).toBe(1);
      const data = (await client.hget(keys[0]!, 'data')) ?? '';
      expect(data.includes(SECRET), 'the job still holds the secret in clear').toBe(false);
      expect(data).toContain('connecting with ***');
    } finally {
      client.disconnect();
    }
  }, 90_000);

  it('is not printed by the restarted worker that stops the shell still running it', async () => {
    const { redis, dir, home, workers, pid } = await killedMidStep('restart');
    // That shell still runs, with the secret in its command line: stopped, and named by its program alone.
    expect(isProcessAlive(pid)).toBe(true);
    const again = await eventually(() => startWorker(redis.url, 'box-1', { cwd: dir, home }).catch(() => undefined), 30_000, 500);
    workers.set('box-1', again);
    await again.waitForOutput((stdout) => stdout.includes('stopped 1 process group left running by an earlier worker named box-1'), 20_000);
    expect(await waitFor(() => !isProcessAlive(pid), 5000)).toBe(true);
    expect(again.stdout().includes(SECRET) || again.stderr().includes(SECRET), 'the restarted worker printed the secret').toBe(false);
    expect(again.stdout()).toMatch(new RegExp(`left running by an earlier worker named box-1: ${pid} \\(\\S*sh\\)`));
  }, 90_000);
});
