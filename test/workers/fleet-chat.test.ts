import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatHarnessFor } from '../helpers/chat-pty.js';
import { proposal, reflectionReply } from '../helpers/chat-script.js';
import { createCliSandbox, type CliSandbox, type KsaProcess } from '../helpers/cli.js';
import { ksaJson, type StatusDoc } from '../helpers/durable.js';
import { startWorker, stopAll } from '../helpers/fleet.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// `ksa chat` with a Redis configured (KSA_REDIS_URL), end to end: the real binary in a
// pseudo-terminal, the fake OpenAI-compatible server, a real redis-server and one real
// `ksa worker`. The plan card says where each step runs; the approved plan runs on the worker.

let redis: TestRedis;
let workerBox: CliSandbox;
let workerDir: string;
const workers: KsaProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
  workerBox = await createCliSandbox('ksa-fleet-chat-worker-');
  workerDir = path.join(workerBox.dir, 'ws');
  mkdirSync(workerDir);
  workers.push(await startWorker(redis.url, 'chat-w1', { labels: ['web'], cwd: workerDir, home: workerBox.home }));
}, 60_000);
afterAll(async () => {
  await stopAll(workers);
  await redis?.cleanup();
  await workerBox?.cleanup();
});

const WEB_PLAN = {
  goal: 'Build on the web worker',
  steps: [
    { id: 'build', tool: 'shell', runsOn: ['web'], args: { command: 'sleep 1.5; echo built by $KSA_WORKER > built.txt; echo built' } },
    { id: 'report', tool: 'shell', dependsOn: ['build'], args: { command: 'echo reported by $KSA_WORKER' } },
  ],
};

const GPU_PLAN = {
  goal: 'Train on a gpu box',
  steps: [{ id: 'train', tool: 'shell', runsOn: ['gpu'], args: { command: 'echo train' } }],
};

describe('ksa chat with workers', () => {
  it('the card shows where steps run (and labels nobody offers); the approved plan runs on the worker, the live view and the run record name it', async (context) => {
    const harness = await chatHarnessFor(context);
    const { server } = harness;
    const env = { KSA_REDIS_URL: redis.url };
    const chat = await harness.open([], { env });

    // A plan for labels no live worker offers: the card warns (it does not refuse); rejected here.
    server.enqueue(...proposal('train the model', GPU_PLAN));
    await chat.send('train the model');
    let screen = await chat.waitForScreen('no live worker offers labels gpu (steps: train); they will wait for one', 15_000);
    expect(screen).toContain('Where the steps run (workers):');
    expect(screen).toContain('train runs on a worker with labels gpu (none live)');
    await chat.send('n');
    await chat.waitForScreen('Plan rejected; nothing was run.');

    // A plan for the web worker: the card names it, y runs it there.
    server.enqueue(...proposal('build it', WEB_PLAN));
    await chat.send('build it');
    screen = await chat.waitForScreen('build runs on a worker with labels web (live: chat-w1)', 15_000);
    expect(screen).toContain('report runs on a worker with any labels (live: chat-w1)');
    server.enqueue(reflectionReply({ success: true, summary: 'Built on the worker.', issues: [], suggestions: [] }));
    chat.press('enter');
    screen = await chat.waitForScreen(/build running on chat-w1/, 20_000);
    screen = await chat.waitForScreen(/✓ Run (\S+) succeeded · 2 succeeded/, 30_000);
    const runId = /✓ Run (\S+) succeeded/.exec(screen)![1]!;

    // It ran on the worker, in the worker's workspace, not in the chat's.
    expect(readFileSync(path.join(workerDir, 'built.txt'), 'utf8')).toBe('built by chat-w1\n');
    expect(existsSync(path.join(harness.sandbox.dir, 'built.txt'))).toBe(false);
    expect(workers[0]!.stdout()).toMatch(new RegExp(`✓ ${runId} build \\(attempt 1\\) shell in`));
    const status = await ksaJson<StatusDoc & { steps: { id: string; worker?: string; output?: unknown }[] }>(['status', runId], { home: harness.sandbox.home });
    expect(status.status).toBe('succeeded');
    expect(status.steps.map((step) => [step.id, step.worker])).toEqual([
      ['build', 'chat-w1'],
      ['report', 'chat-w1'],
    ]);
    expect(await chat.quit()).toMatchObject({ exitCode: 0, timedOut: false });
  });

  it('the chat killed with kill -9 mid-step: the worker finishes it; /resume in a new chat takes its result without running it again', async (context) => {
    const harness = await chatHarnessFor(context);
    const { server } = harness;
    const env = { KSA_REDIS_URL: redis.url };
    const chat = await harness.open([], { env });
    const plan = {
      goal: 'Survive the chat',
      steps: [
        { id: 'slow', tool: 'shell', runsOn: ['web'], args: { command: 'sleep 2; echo slow >> slow.log' } },
        { id: 'after', tool: 'shell', dependsOn: ['slow'], runsOn: ['web'], args: { command: 'echo after >> after.log' } },
      ],
    };
    server.enqueue(...proposal('survive', plan));
    await chat.send('survive');
    await chat.waitForScreen('slow runs on a worker with labels web (live: chat-w1)', 15_000);
    chat.press('enter');
    const screen = await chat.waitForScreen(/slow running on chat-w1/, 20_000);
    const runId = /Run (\S+) · Survive the chat/.exec(screen)?.[1];
    expect(runId, screen).toBeDefined();
    chat.term.kill('SIGKILL');
    await chat.term.exited;
    // The worker finishes the step although its coordinator is gone.
    await workers[0]!.waitForOutput((stdout) => stdout.includes(`✓ ${runId} slow (attempt 1)`), 20_000);

    server.enqueue(reflectionReply({ success: true, summary: 'Resumed.', issues: [], suggestions: [] }));
    const again = await harness.open(['--continue'], { env });
    await again.send(`/resume ${runId}`);
    await again.waitForScreen(`resumes run ${runId}`, 15_000);
    again.press('enter');
    await again.waitForScreen(`✓ Run ${runId} succeeded`, 30_000);
    expect(readFileSync(path.join(workerDir, 'slow.log'), 'utf8')).toBe('slow\n');
    expect(readFileSync(path.join(workerDir, 'after.log'), 'utf8')).toBe('after\n');
    const status = await ksaJson<StatusDoc>(['status', runId!], { home: harness.sandbox.home });
    expect(status.steps.map((step) => [step.id, step.status, step.worker])).toEqual([
      ['slow', 'succeeded', 'chat-w1'],
      ['after', 'succeeded', 'chat-w1'],
    ]);
    expect(await again.quit()).toMatchObject({ exitCode: 0 });
  });

  it('an unreachable Redis: the card says the workers were not checked; approving starts nothing and the plan keeps waiting', async (context) => {
    const harness = await chatHarnessFor(context);
    const { server } = harness;
    const down = 'redis://127.0.0.1:1';
    const chat = await harness.open([], { env: { KSA_REDIS_URL: down } });
    server.enqueue(...proposal('build it', WEB_PLAN));
    await chat.send('build it');
    await chat.waitForScreen('workers not checked: cannot use Redis at redis://127.0.0.1:1: connection refused', 15_000);
    chat.press('enter');
    await chat.waitForScreen('Could not start the run: cannot use Redis at redis://127.0.0.1:1: connection refused', 15_000);
    const screen = await chat.waitForBottom(/plan waiting for approval/, 2);
    expect(screen).not.toContain('✓ approved');
    const runs = await ksaJson<{ runs: unknown[] }>(['runs'], { home: harness.sandbox.home });
    expect(runs.runs).toEqual([]);
    expect(await chat.quit()).toMatchObject({ exitCode: 0, timedOut: false });
  });
});
