import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { describeResult, eventually, startKsa } from '../helpers/cli.js';
import { fleetScenarios, startWorker } from '../helpers/fleet.js';
import { isProcessAlive, waitFor } from '../helpers/tool-context.js';

// A secret input travels to the worker in its job. A worker killed with kill -9 mid-step can neither
// take it out of the job nor hide it from what it prints when it comes back: the coordinator scrubs the
// job of the lost attempt, and the worker's next start names what it stops without its arguments.

const fleet = fleetScenarios('ksa-fleet-lost-secrets-');
const SECRET = 'Lost9Secret-in-args';

/** Runs a step holding the secret on box-1 and kills box-1 (kill -9) mid-step; resolves once the run has failed. */
async function killedMidStep(name: string) {
  const scenario = await fleet.setup(name, ['box-1']);
  const { redis, dir, home, workers } = scenario;
  const planFile = await fleet.sandbox.writePlan(`${name}/plan.yaml`, `goal: A secret on a worker that dies
inputs: { dbPassword: changeme }
steps:
  - id: slow
    tool: shell
    args: { command: "echo $$ > slow.pid; echo connecting with {{ inputs.dbPassword }}; sleep 60; echo done" }
`);
  const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url, '--worker-wait', '2s', '--input', `dbPassword=${SECRET}`], { home, cwd: dir, timeoutMs: 60_000 });
  const pid = await eventually(() => (existsSync(path.join(dir, 'slow.pid')) ? Number(readFileSync(path.join(dir, 'slow.pid'), 'utf8')) : undefined), 20_000);
  fleet.orphans.add(pid);
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
