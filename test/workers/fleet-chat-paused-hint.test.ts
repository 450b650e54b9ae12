import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatHarnessFor } from '../helpers/chat-pty.js';
import { proposal } from '../helpers/chat-script.js';
import { describeResult, runKsa, type KsaProcess } from '../helpers/cli.js';
import { startWorker, stopAll } from '../helpers/fleet.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// `ksa chat` with the Redis in config.json, its run left paused by /quit: the line saying how to go on names the
// run's --redis, without which ksa resume refuses a run that sent steps to workers.

let redis: TestRedis;
const workers: KsaProcess[] = [];
beforeAll(async () => {
  redis = await startRedis();
}, 30_000);
afterAll(async () => {
  await stopAll(workers);
  await redis?.cleanup();
});

describe('ksa chat leaving a run on workers paused', () => {
  it('/quit: says to continue it with ksa resume and its --redis, and that command resumes it', async (context) => {
    const harness = await chatHarnessFor(context);
    const { sandbox, server } = harness;
    await writeFile(path.join(sandbox.home, 'config.json'), JSON.stringify({ redis: redis.url }));
    workers.push(await startWorker(redis.url, 'paused-w1', { cwd: sandbox.dir, home: path.join(sandbox.dir, 'worker-home') }));
    const plan = {
      goal: 'Pause then quit',
      steps: [
        { id: 'wait', tool: 'shell', args: { command: 'echo waiting; while [ ! -f go ]; do sleep 0.05; done' } },
        { id: 'last', tool: 'shell', args: { command: 'touch marker-last' }, dependsOn: ['wait'] },
      ],
    };
    const chat = await harness.open();
    server.enqueue(...proposal('deploy', plan));
    await chat.send('deploy behind the gate');
    await chat.waitForScreen('run? [y/n/e]', 15_000);
    await chat.send('y');
    await chat.waitForScreen(/wait running on paused-w1/, 20_000);
    await chat.send('/pause');
    await chat.waitForScreen('Run paused: no new step starts');
    await writeFile(path.join(sandbox.dir, 'go'), '');
    await chat.waitForScreen(/✓ ─ wait succeeded/, 20_000);
    await chat.send('/quit');
    expect(await chat.term.exited).toMatchObject({ exitCode: 0, timedOut: false });
    const [runId] = readdirSync(path.join(sandbox.home, 'runs')).filter((name) => /^\d/.test(name));
    const hint = `ksa resume ${runId} --redis ${redis.url}`;
    expect(chat.term.raw()).toContain(`Run ${runId} is paused; ${hint} continues it.`);
    const resumed = await runKsa(hint.split(' ').slice(1).concat('--yes'), { home: sandbox.home, cwd: sandbox.dir, env: { KSA_REDIS_URL: undefined }, timeoutMs: 30_000 });
    expect(resumed.code, describeResult(resumed)).toBe(0);
  }, 90_000);
});
