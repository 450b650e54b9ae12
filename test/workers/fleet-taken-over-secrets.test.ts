import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { describeResult, eventually, runKsa, startKsa } from '../helpers/cli.js';
import { ksaJson, type StatusDoc } from '../helpers/durable.js';
import { fleetScenarios, killedMidStep, resumedOnFreshWorker, startWorker } from '../helpers/fleet.js';
import { keysHolding } from '../helpers/redis-keys.js';

// The coordinator and the worker of a step holding a credential, both killed with kill -9 before the step ended: no
// one took the credential out of its job, which Redis keeps. The ksa cancel (or ksa resume) that takes the run over
// does, in every job of the run; when Redis is gone by then, it says so, and the cancel still succeeds.

const fleet = fleetScenarios('ksa-fleet-taken-over-secrets-');
const TOKEN = `ghp_${'T4k'.repeat(12)}`;
const PASSWORD = 'Taken9Over-pw';
const SECRET = 'Fan9Out-secret-input';

async function holding(url: string, needles: readonly string[]): Promise<string[]> {
  const client = new Redis(url);
  try {
    return await keysHolding(client, needles);
  } finally {
    client.disconnect();
  }
}

describe.concurrent('workers: a credential in the job of a run whose coordinator and worker were both killed', () => {
  it('ksa cancel takes it out of the job (a token in the step env, a URL password in the command)', async () => {
    const scenario = await fleet.setup('cancel', ['box-1']);
    const { redis, dir, home } = scenario;
    const plan = `goal: Typed credentials\nsteps:\n  - id: slow\n    tool: shell\n    args: { command: "echo $$ > slow.pid; echo reaching postgres://app:${PASSWORD}@db.internal:5432/app >/dev/null; sleep 60", env: { TOKEN: "${TOKEN}" } }\n`;
    const runId = await killedMidStep(fleet.orphans, scenario, plan, ['--redis', redis.url]);
    expect(await holding(redis.url, [TOKEN, PASSWORD])).toEqual([`ksa:steps:${runId}.slow.1`]);
    const cancel = await runKsa(['cancel', runId, '--yes', '--redis', redis.url], { home, cwd: dir, timeoutMs: 30_000 });
    expect(cancel.code, describeResult(cancel)).toBe(0);
    expect(cancel.stderr).not.toContain('warning');
    expect((await ksaJson<StatusDoc>(['status', runId], { home, cwd: dir })).status).toBe('cancelled');
    expect(await holding(redis.url, [TOKEN, PASSWORD])).toEqual([]);
    const client = new Redis(redis.url);
    try {
      const data = (await client.hget(`ksa:steps:${runId}.slow.1`, 'data')) ?? '';
      expect(data).toContain('"TOKEN":"***"');
      expect(data).toContain('postgres://app:***@db.internal');
    } finally {
      client.disconnect();
    }
  }, 90_000);

  it('ksa resume takes a secret input out of the jobs it does not run again (a fan-out part on the dead worker)', async () => {
    const scenario = await fleet.setup('resume', []);
    const { redis, dir, home, workers } = scenario;
    workers.set('box-1', await startWorker(redis.url, 'box-1', { labels: ['box'], cwd: dir, home }));
    const plan = 'goal: A secret on every box\ninputs: { apiToken: changeme }\nsteps:\n  - id: slow\n    tool: shell\n    runsOn: { labels: [box], each: true }\n    args: { command: "test -f go && exit 0; echo $$ > slow.pid; sleep 60", env: { API_TOKEN: "{{ inputs.apiToken }}" } }\n';
    const runId = await killedMidStep(fleet.orphans, scenario, plan, ['--redis', redis.url, '--input', `apiToken=${SECRET}`]);
    expect(await holding(redis.url, [SECRET])).toEqual([`ksa:worker-box-1:${runId}.slow.1.box-1`]);
    // The resume fans out to the live workers only: box-1's part is left as it is, and its job with it.
    const resume = await resumedOnFreshWorker(scenario, runId, 'box-2', ['--input', `apiToken=${SECRET}`]);
    expect(resume.code, describeResult(resume)).toBe(0);
    expect(resume.stderr).toContain('slow succeeded');
    expect(await holding(redis.url, [SECRET])).toEqual([]);
  }, 120_000);

  it('a Redis gone by the end of the cancel: one warning line naming the jobs left, and the run is cancelled all the same', async () => {
    const scenario = await fleet.setup('gone', []);
    const { redis, dir, home, workers } = scenario;
    workers.set('box-1', await startWorker(redis.url, 'box-1', { labels: ['box'], cwd: dir, home }));
    const plan = [
      'goal: Undone here, a token on a worker',
      'steps:',
      '  - id: here',
      '    tool: shell',
      '    args: { command: "echo here" }',
      '    rollback: { tool: shell, args: { command: "touch undo.started; while [ ! -f undo.go ]; do sleep 0.1; done" } }',
      '  - id: slow',
      '    dependsOn: [here]',
      '    runsOn: [box]',
      '    tool: shell',
      `    args: { command: "echo $$ > slow.pid; sleep 60", env: { TOKEN: "${TOKEN}" } }`,
    ].join('\n');
    const runId = await killedMidStep(fleet.orphans, scenario, `${plan}\n`, ['--redis', redis.url, '--local-default']);
    const cancel = startKsa(['cancel', runId, '--yes', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    // Its jobs stopped, the cancel undoes `here` on this machine: Redis goes meanwhile.
    await eventually(() => (existsSync(path.join(dir, 'undo.started')) ? true : undefined), 20_000);
    await redis.stop();
    writeFileSync(path.join(dir, 'undo.go'), '');
    const result = await cancel.result;
    expect(result.code, describeResult(result)).toBe(0);
    const warnings = result.stderr.split('\n').filter((line) => line.startsWith('ksa: warning:'));
    expect(warnings).toEqual([`ksa: warning: Redis at ${redis.url} could not be reached to take the secrets out of run ${runId}'s jobs: they may still hold them in clear there (keys ksa:*:${runId}.*)`]);
    expect((await ksaJson<StatusDoc>(['status', runId], { home, cwd: dir })).status).toBe('cancelled');
  }, 90_000);
});
