import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { agentCliFor, FAKE_KEY } from '../helpers/agent-cli.js';
import { planReply } from '../helpers/fake-openai-server.js';
import { describeResult, startKsa } from '../helpers/cli.js';
import { ksaJson, type StatusDoc } from '../helpers/durable.js';
import { sharedFleet } from '../helpers/fleet.js';
import { startRedis } from '../helpers/redis-server.js';

// `ksa ask --yes` with a Redis configured (KSA_REDIS_URL): the approved plan's steps go to the
// workers, as from the chat and `ksa run`, not to this machine.

const fleet = sharedFleet('ksa-fleet-ask-');
beforeAll(async () => {
  await fleet.worker('ask-db-1', ['db']);
}, 60_000);

const PLAN = {
  goal: 'Migrate on the db box',
  steps: [{ id: 'migrate', tool: 'shell', runsOn: ['db'], args: { command: 'echo migrated by $KSA_WORKER > migrated.txt' } }],
};
const REFLECTION = { success: true, summary: 'Migrated on the db worker.', issues: [], suggestions: [] };

describe('ksa ask --yes with workers', () => {
  it('runs the plan\'s steps on the workers, and the run records them', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue({ text: 'Planning.', toolCalls: [{ name: 'propose_plan', arguments: { goal: 'migrate' } }] }, planReply(PLAN), { text: 'Plan ready.' }, { text: JSON.stringify(REFLECTION) });
    const result = await cli.ksa(['ask', '--yes', '--json', 'migrate the db'], { env: { KSA_REDIS_URL: fleet.redis.url }, timeoutMs: 30_000 });
    expect(result.code, describeResult(result)).toBe(0);
    expect(readFileSync(path.join(fleet.dir, 'migrated.txt'), 'utf8')).toBe('migrated by ask-db-1\n');
    expect(existsSync(path.join(cli.sandbox.dir, 'migrated.txt'))).toBe(false);
    const { run } = JSON.parse(result.stdout) as { run: { runId: string } };
    const status = await ksaJson<StatusDoc & { steps: { id: string; worker?: string }[] }>(['status', run.runId], { home: cli.sandbox.home });
    expect(status.steps.map((step) => [step.id, step.worker])).toEqual([['migrate', 'ask-db-1']]);
  });

  it('says where the steps run, and warns of labels no live worker offers, before it runs (as ksa run does)', async (context) => {
    const cli = await agentCliFor(context);
    const gpu = { goal: 'Train', steps: [{ id: 'train', tool: 'shell', runsOn: ['gpu'], args: { command: 'echo train' } }] };
    cli.server.enqueue({ text: 'Planning.', toolCalls: [{ name: 'propose_plan', arguments: { goal: 'train' } }] }, planReply(gpu), { text: 'Plan ready.' });
    const ask = startKsa(['ask', '--yes', '--worker-wait', '2s', 'train the model'], {
      home: cli.sandbox.home,
      cwd: cli.sandbox.dir,
      env: { OPENAI_BASE_URL: cli.server.baseURL, OPENAI_API_KEY: FAKE_KEY, KSA_MODEL: 'fake-model', KSA_REDIS_URL: fleet.redis.url },
      timeoutMs: 30_000,
    });
    await ask.waitForOutput((_stdout, stderr) => stderr.includes('ksa: warning: no live worker offers labels gpu (steps: train); they will wait for one'), 20_000);
    expect(ask.stderr()).toContain('train runs on a worker with labels gpu (none live)');
    expect(ask.stdout()).toContain('runs on a worker (labels: gpu) (with workers)');
    // --worker-wait bounds the wait, as for ksa run.
    const result = await ask.result;
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stdout + result.stderr).toContain('no worker took it within 2s: waiting for a worker (labels: gpu)');
  });

  it('a Redis that takes the connection and answers nothing: one line naming it, exit 1, after one wait (as ksa run), not a warning and then the error', async (context) => {
    const cli = await agentCliFor(context);
    const hung = await startRedis();
    try {
      hung.freeze();
      cli.server.enqueue({ text: 'Planning.', toolCalls: [{ name: 'propose_plan', arguments: { goal: 'migrate' } }] }, planReply(PLAN), { text: 'Plan ready.' });
      const result = await cli.ksa(['ask', '--yes', 'migrate the db'], { env: { KSA_REDIS_URL: hung.url }, timeoutMs: 30_000 });
      expect(result.code, describeResult(result)).toBe(1);
      const said = result.stderr.split('\n').filter((line) => line.includes('Redis'));
      expect(said).toEqual([`ksa: cannot use Redis at ${hung.url}: no answer within 3 s (a stopped Redis, or something else that accepts connections there)`]);
    } finally {
      hung.thaw();
      await hung.cleanup();
    }
  });

  it('a --worker-wait that is no duration is a usage error before the model is asked', async (context) => {
    const cli = await agentCliFor(context);
    const result = await cli.ksa(['ask', '--yes', '--worker-wait', 'soon', 'train the model']);
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toMatch(/^ksa: --worker-wait/m);
    expect(cli.server.requests).toHaveLength(0);
  });
});
