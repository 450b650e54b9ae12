import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialRunState, PlanSchema } from '../../src/planning/index.js';
import { RunStore } from '../../src/store/index.js';
import { BAD_REDIS_URLS } from '../helpers/bad-redis-urls.js';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';

// A Redis URL ksa cannot use as written is refused by ksa run, resume, cancel, worker and workers in one line, exit 2,
// naming where it came from when no --redis gave it (KSA_REDIS_URL, or "redis" in config.json), as ksa ask and ksa
// chat name it: the command line shows none of it. Nothing is connected to: the URLs name no server that runs.

let box: CliSandbox;
beforeAll(async () => {
  box = await createCliSandbox('ksa-fleet-bad-redis-url-source-');
});
afterAll(async () => {
  await box.cleanup();
});

describe.concurrent('a Redis URL ksa cannot use as written, given by the environment or config.json', () => {
  it.for(BAD_REDIS_URLS.map((bad, i) => ({ ...bad, i })))('$url: each command names where it came from', async ({ url, shown, reason, i }) => {
    const home = path.join(box.dir, `home-${i}`);
    const dir = path.join(box.dir, `work-${i}`);
    await mkdir(dir, { recursive: true });
    const file = await box.writePlan(`work-${i}/plan.yaml`, 'goal: Touch\nsteps:\n  - { id: a, tool: shell, args: { command: "touch ran" } }\n');
    // A run a worker ran a step of, killed, that recorded no Redis (as an older ksa wrote them): ksa resume and ksa
    // cancel need one to go on with it, and have none recorded to compare the URL with before they read it.
    const plan = PlanSchema.parse({ goal: 'Sent', steps: [{ id: 'a', tool: 'shell', args: { command: 'touch ran' } }, { id: 'b', tool: 'shell', dependsOn: ['a'], args: { command: 'true' } }] });
    const state = initialRunState('sent', plan.goal, ['a', 'b'], {});
    const at = new Date().toISOString();
    state.status = 'running';
    state.steps.a = { status: 'succeeded', attempts: 1, startedAt: at, endedAt: at, worker: 'w1', output: { stdout: '', stderr: '', exitCode: 0 } };
    state.completed = ['a'];
    const run = await new RunStore(home).create({ runId: 'sent', goal: plan.goal, createdAt: at, workspace: dir, plan, inputs: {}, allowedEnv: [], state }, 'test');
    await run.close();
    const config = path.join(home, 'config.json');
    const commands = [['run', file, '--yes'], ['resume', 'sent', '--yes'], ['cancel', 'sent', '--yes'], ['worker'], ['workers']];
    const sources = [
      { args: ['--redis', url], env: { KSA_REDIS_URL: undefined }, from: '' },
      { args: [], env: { KSA_REDIS_URL: url }, from: ' (from KSA_REDIS_URL)' },
      { args: [], env: { KSA_REDIS_URL: undefined }, from: ` (from "redis" in ${config})`, inConfig: true },
    ];
    for (const { args, env, from, inConfig } of sources) {
      if (inConfig) await writeFile(config, JSON.stringify({ redis: url }));
      for (const command of commands) {
        const result = await runKsa([...command, ...args], { home, cwd: dir, env, timeoutMs: 20_000 });
        expect(result.code, describeResult(result)).toBe(2);
        expect(result.stderr.trim(), command.join(' ')).toBe(`ksa: cannot use Redis at ${shown}${from}: ${reason}`);
        expect(`${result.stdout}${result.stderr}`).not.toContain('s3cret');
      }
    }
  });
});
