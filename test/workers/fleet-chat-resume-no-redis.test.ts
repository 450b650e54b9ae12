import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatHarnessFor } from '../helpers/chat-pty.js';
import { eventually, parseNdjson, startKsa } from '../helpers/cli.js';
import { killGroup, readPids } from '../helpers/durable.js';
import { sharedFleet } from '../helpers/fleet.js';

// A run started with --redis whose coordinator was killed: the chat without that Redis refuses its /resume,
// as ksa resume does, instead of running its workers' step in the chat's own process.

const fleet = sharedFleet('ksa-fleet-chat-no-redis-');
const orphans: number[] = [];
beforeAll(async () => {
  await fleet.worker('gpu-w1', ['gpu']);
}, 60_000);
afterAll(() => {
  for (const pid of orphans) killGroup(pid);
});

const PLAN = `goal: Train on a worker
steps:
  - id: train
    runsOn: [gpu]
    tool: shell
    args: { command: "echo $$ >> train.pids; echo \\"$KSA_WORKER\\" >> ran-by.log; touch train.started; sleep 60" }
`;

describe("the chat's /resume of a run that sent its steps to workers, without a Redis", () => {
  it('refuses, naming the run\'s Redis and the ksa resume that goes on with it, and runs nothing', async (context) => {
    const harness = await chatHarnessFor(context);
    const { home } = harness.sandbox;
    const { dir } = fleet;
    const planFile = path.join(harness.sandbox.dir, 'plan.yaml');
    writeFileSync(planFile, PLAN);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', fleet.redis.url], { home, cwd: dir, timeoutMs: 30_000 });
    await eventually(() => (existsSync(path.join(dir, 'train.started')) ? true : undefined), 20_000);
    const { runId } = parseNdjson(run.stdout())[0]!;
    run.kill('SIGKILL');
    await run.result;
    orphans.push(...readPids(dir, 'train.pids'));

    const chat = await harness.open([], { env: { KSA_REDIS_URL: '' } });
    await chat.send(`/resume ${runId}`);
    const screen = await chat.waitForScreen('Nothing was run', 15_000);
    expect(screen.replace(/[│\s]+/g, ' ')).toContain(`sent its steps to workers through ${fleet.redis.url}; resume it there: ksa resume ${runId} --redis ${fleet.redis.url}.`);
    expect(screen).not.toContain('run? [y/n/e]');
    expect(readPids(dir, 'train.pids')).toHaveLength(1);
    expect(await chat.quit()).toMatchObject({ exitCode: 0, timedOut: false });
  }, 90_000);
});
