import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventually, parseNdjson, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { killGroup } from '../helpers/durable.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// A run is recorded with its Redis only when it sends steps to workers: with --local-default and no runsOn, every step
// runs here, so its resume and cancel need no --redis, and its hints name none.

let box: CliSandbox;
let redis: TestRedis;
beforeAll(async () => {
  box = await createCliSandbox('ksa-fleet-local-default-record-');
  redis = await startRedis({ password: 'pw-local' });
});
const leftovers = new Set<number>();
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await redis.cleanup();
  await box.cleanup();
});

describe('ksa run --local-default --redis', () => {
  const LONG = (name: string) => `{ id: long, tool: shell, args: { command: "test -f ${name}.started && exit 0; echo $$ > ${name}.pid; touch ${name}.started; exec sleep 60" } }`;

  /** Starts the plan, waits for its long step to run here, and kills the run's process (its step too). */
  async function interrupted(name: string, steps: string): Promise<{ runId: string; dir: string }> {
    const planFile = await box.writePlan(`${name}/plan.yaml`, `goal: Local default\nsteps:\n${steps}`);
    const dir = path.dirname(planFile);
    const url = redis.url;
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', url, '--local-default'], { home: box.home, cwd: dir, timeoutMs: 60_000 });
    await eventually(() => (existsSync(path.join(dir, `${name}.pid`)) && readFileSync(path.join(dir, `${name}.pid`), 'utf8').trim() ? true : undefined), 20_000);
    const pid = Number(readFileSync(path.join(dir, `${name}.pid`), 'utf8'));
    leftovers.add(pid);
    const runId = (parseNdjson(run.stdout())[0] as { runId: string }).runId;
    run.kill('SIGKILL');
    await run.result.catch(() => undefined);
    killGroup(pid);
    return { runId, dir };
  }

  it('a run none of whose steps goes to workers is resumed without --redis, and its hints name none', async () => {
    const { runId, dir } = await interrupted('all-here', `  - ${LONG('all-here')}\n`);
    const status = await runKsa(['status', runId], { home: box.home, cwd: dir });
    expect(status.stdout).toContain(`ksa resume ${runId}`);
    expect(status.stdout).not.toContain('--redis');
    const resume = await runKsa(['resume', runId, '--yes'], { home: box.home, cwd: dir, timeoutMs: 30_000 });
    expect(resume.code, describeResult(resume)).toBe(0);
  }, 90_000);

  it('a run with a step on workers (runsOn) still needs its --redis to resume', async () => {
    const { runId, dir } = await interrupted('some-there', `  - ${LONG('some-there')}\n  - { id: there, tool: shell, runsOn: [elsewhere], dependsOn: [long], args: { command: "true" } }\n`);
    const status = await runKsa(['status', runId], { home: box.home, cwd: dir });
    expect(status.stdout).toContain(`ksa resume ${runId} --redis redis://:***@127.0.0.1:${redis.port} (with its password in place of ***)`);
    const resume = await runKsa(['resume', runId, '--yes'], { home: box.home, cwd: dir, timeoutMs: 30_000 });
    expect(resume.code, describeResult(resume)).toBe(2);
    expect(resume.stderr).toContain(`run ${runId} sent its steps to workers through redis://:***@127.0.0.1:${redis.port}`);
  }, 90_000);
});
