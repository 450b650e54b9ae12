import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatHarnessFor } from '../helpers/chat-pty.js';
import { reflectionReply } from '../helpers/chat-script.js';
import { createCliSandbox, eventually, parseNdjson, startKsa, type CliSandbox, type KsaProcess } from '../helpers/cli.js';
import { killGroup, lineCounts, readPids } from '../helpers/durable.js';
import { startWorker, stopAll } from '../helpers/fleet.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// As fleet-resume-rollback.test.ts, with the chat's /resume instead of `ksa resume --redis`: the
// coordinator was killed while a worker ran a step's rollback; the chat runs that step again, and
// the old rollback, still running on the worker, must not go on to undo it.

let redis: TestRedis;
let box: CliSandbox;
let dir: string;
const workers: KsaProcess[] = [];
const orphans: number[] = [];

beforeAll(async () => {
  redis = await startRedis();
  box = await createCliSandbox('ksa-fleet-chat-undo-');
  dir = path.join(box.dir, 'ws');
  mkdirSync(dir);
  workers.push(await startWorker(redis.url, 'undo-w1', { labels: ['box'], cwd: dir, home: box.home, concurrency: 2 }));
}, 60_000);
afterAll(async () => {
  for (const pid of orphans) killGroup(pid);
  await stopAll(workers);
  await redis?.cleanup();
  await box?.cleanup();
});

/** `app`'s undo empties app.txt once undo.go exists; `check` fails until ok exists. */
const PLAN = `goal: Undo under way
steps:
  - id: app
    runsOn: [box]
    tool: shell
    args: { command: "echo app >> ran.log; echo up > app.txt" }
    rollback: { tool: shell, args: { command: "echo $$ >> undo.pids; touch undo.started; while [ ! -f undo.go ]; do sleep 0.1; done; : > app.txt; echo undone >> ran.log" } }
  - id: check
    dependsOn: [app]
    runsOn: [box]
    tool: shell
    args: { command: "test -f ok && test -s app.txt" }
`;

describe('the chat resuming a run killed during a rollback on a worker', () => {
  it('stops that rollback before the step runs again, and says so', async (context) => {
    const harness = await chatHarnessFor(context);
    const { home } = harness.sandbox;
    const planFile = path.join(harness.sandbox.dir, 'plan.yaml');
    writeFileSync(planFile, PLAN);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: harness.sandbox.dir, timeoutMs: 30_000 });
    await eventually(() => (existsSync(path.join(dir, 'undo.started')) ? true : undefined), 20_000);
    const { runId } = parseNdjson(run.stdout())[0]!;
    await eventually(() => (readFileSync(path.join(home, 'runs', runId, 'run.json'), 'utf8').includes('rollbackStartedAt') ? true : undefined), 10_000);
    run.kill('SIGKILL');
    await run.result;
    orphans.push(...readPids(dir, 'undo.pids'));

    writeFileSync(path.join(dir, 'ok'), '');
    harness.server.enqueue(reflectionReply({ success: true, summary: 'Resumed.', issues: [], suggestions: [] }));
    const chat = await harness.open([], { env: { KSA_REDIS_URL: redis.url } });
    await chat.send(`/resume ${runId}`);
    await chat.waitForScreen(`resumes run ${runId}`, 15_000);
    chat.press('enter');
    await chat.waitForScreen(`Stopped the rollback the stopped run had under way on workers: ${runId}.app.rollback.undo-w1.`, 20_000);
    await chat.waitForScreen(`✓ Run ${runId} succeeded`, 30_000);
    // Were the old rollback still there, this would let it remove what the step's new go made.
    writeFileSync(path.join(dir, 'undo.go'), '');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(readFileSync(path.join(dir, 'app.txt'), 'utf8')).toBe('up\n');
    expect(lineCounts(dir).get('undone')).toBeUndefined();
    expect(await chat.quit()).toMatchObject({ exitCode: 0, timedOut: false });
  }, 90_000);
});
