import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatHarnessFor } from '../helpers/chat-pty.js';
import { reflectionReply } from '../helpers/chat-script.js';
import { eventually, parseNdjson, startKsa } from '../helpers/cli.js';
import { killGroup, lineCounts, readPids } from '../helpers/durable.js';
import { sharedFleet, UNDO_UNDER_WAY_PLAN } from '../helpers/fleet.js';

// As fleet-resume-rollback.test.ts, with the chat's /resume instead of `ksa resume --redis`: the
// coordinator was killed while a worker ran a step's rollback; the chat runs that step again, and
// the old rollback, still running on the worker, must not go on to undo it.

const fleet = sharedFleet('ksa-fleet-chat-undo-');
const orphans: number[] = [];
beforeAll(async () => {
  await fleet.worker('undo-w1', ['box'], { concurrency: 2 });
}, 60_000);
afterAll(() => {
  for (const pid of orphans) killGroup(pid);
});

describe('the chat resuming a run killed during a rollback on a worker', () => {
  it('stops that rollback before the step runs again, and says so', async (context) => {
    const harness = await chatHarnessFor(context);
    const { home } = harness.sandbox;
    const { dir } = fleet;
    const planFile = path.join(harness.sandbox.dir, 'plan.yaml');
    writeFileSync(planFile, UNDO_UNDER_WAY_PLAN);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', fleet.redis.url], { home, cwd: harness.sandbox.dir, timeoutMs: 30_000 });
    await eventually(() => (existsSync(path.join(dir, 'undo.started')) ? true : undefined), 20_000);
    const { runId } = parseNdjson(run.stdout())[0]!;
    await eventually(() => (readFileSync(path.join(home, 'runs', runId, 'run.json'), 'utf8').includes('rollbackStartedAt') ? true : undefined), 10_000);
    run.kill('SIGKILL');
    await run.result;
    orphans.push(...readPids(dir, 'undo.pids'));

    writeFileSync(path.join(dir, 'ok'), '');
    harness.server.enqueue(reflectionReply({ success: true, summary: 'Resumed.', issues: [], suggestions: [] }));
    const chat = await harness.open([], { env: { KSA_REDIS_URL: fleet.redis.url } });
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
