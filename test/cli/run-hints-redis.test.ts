import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventually, parseNdjson, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { killGroup } from '../helpers/durable.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// A run that sent its steps through Redis is resumed and cancelled with its --redis (both refuse it
// otherwise): every hint naming ksa resume or ksa cancel for it says so.

let box: CliSandbox;
let redis: TestRedis;
beforeAll(async () => {
  box = await createCliSandbox('ksa-run-hints-redis-');
  redis = await startRedis();
});
const leftovers = new Set<number>();
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await redis.cleanup();
  await box.cleanup();
});

const PLAN = `goal: Long
steps:
  - { id: long, tool: shell, args: { command: "echo $$ > long.pid; touch long.started; sleep 60" } }
`;

describe('hints naming ksa resume and ksa cancel of a run on workers', () => {
  it('resume of a run still running, then cancel of it once its process died, name its --redis', async () => {
    const planFile = await box.writePlan('hints/plan.yaml', PLAN);
    const dir = path.dirname(planFile);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url, '--local-default'], { home: box.home, cwd: dir, timeoutMs: 60_000 });
    await eventually(() => (existsSync(path.join(dir, 'long.started')) ? true : undefined), 20_000);
    leftovers.add(Number(readFileSync(path.join(dir, 'long.pid'), 'utf8')));
    const runId = (parseNdjson(run.stdout())[0] as { runId: string }).runId;

    const resume = await runKsa(['resume', runId], { home: box.home, cwd: dir });
    expect(resume.code, describeResult(resume)).toBe(2);
    expect(resume.stderr).toContain(`wait for it, or stop it with: ksa cancel ${runId} --redis ${redis.url}`);

    // Stopped, it cannot read the cancel request; killed, it dies before the run was cancelled.
    run.kill('SIGSTOP');
    const cancel = startKsa(['cancel', runId, '--timeout', '30'], { home: box.home, cwd: dir, timeoutMs: 40_000 });
    await cancel.waitForOutput((_, stderr) => stderr.includes(`to cancel run ${runId}`), 20_000);
    run.kill('SIGKILL');
    const result = await cancel.result;
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stderr).toContain(`died before the run was cancelled; roll back what it did with: ksa cancel ${runId} --yes --redis ${redis.url}`);
  }, 90_000);
});
