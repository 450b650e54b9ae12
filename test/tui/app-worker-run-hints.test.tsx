import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunWorkers } from '../../src/agent/session-runs.js';
import { initialRunState, PlanSchema } from '../../src/planning/index.js';
import { runDir } from '../../src/store/index.js';
import { json } from '../helpers/agent-fixtures.js';
import { REFLECTION } from '../helpers/chat-script.js';
import { chatModel, renderChatApp } from '../helpers/tui-app.js';

// A chat's run that sends steps to workers is resumed and cancelled with its --redis (ksa resume and ksa cancel
// refuse it without): every hint the chat gives naming those commands for it says so.

const REDIS = 'redis://127.0.0.1:6393';

/** Workers through REDIS that run nothing remotely: the plans here have no runsOn. */
const workers: RunWorkers = {
  redis: REDIS,
  check: async () => {},
  open: async () => ({ remote: { placeStep: () => undefined, invoker: (local) => local }, close: async () => {} }),
  stopRollbacks: async () => ({ said: [], warnings: [] }),
};

const unboxed = (frame: string) => frame.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');

describe("the chat's hints for a run on workers", () => {
  it('/quit with the run paused, its step cut short: the step runs again on ksa resume with the run\'s --redis', async (context) => {
    const plan = { goal: 'Gate', steps: [{ id: 'wait', tool: 'shell', args: { command: 'echo waiting-for-go; while [ ! -f go ]; do sleep 0.05; done' } }] };
    const propose = { text: 'Planning.', toolCalls: [{ name: 'propose_plan', input: { goal: 'deploy' } }] };
    const app = await renderChatApp(context, { model: chatModel([propose, { text: 'Ready.' }], [json(plan), json(REFLECTION)]), workers });
    await app.send('deploy behind the gate');
    await app.waitFor('run? [y/n/e]');
    await app.send('y');
    await app.waitFor(/─ wait running .*│ waiting-for-go/, 10_000);
    await app.send('/pause');
    await app.waitFor('Run paused: no new step starts');
    await app.send('/quit');
    await app.waitForText('Waiting for 1 running step to finish before leaving (wait)');
    await app.press('ctrlC');
    await app.waitFor((text) => unboxed(text).includes(`Cutting wait short: it runs again when the run is resumed (ksa resume run-1 --redis ${REDIS}).`));
    await writeFile(path.join(app.workspace, 'go'), '');
  });

  it('approving a /resume of a run another process took meanwhile: says to stop it with ksa cancel and its --redis', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([], [json(REFLECTION)]), workers });
    const plan = PlanSchema.parse({ goal: 'Train', steps: [{ id: 'gpu', tool: 'shell', args: { command: 'true' } }] });
    const run = await app.runs.create({ runId: 'fleet-run', goal: plan.goal, createdAt: new Date().toISOString(), workspace: app.workspace, plan, inputs: {}, allowedEnv: [], redis: REDIS, state: initialRunState('fleet-run', plan.goal, ['gpu'], {}) }, 'test');
    await run.close();
    await app.send('/resume fleet-run');
    await app.waitFor('run? [y/n/e]');
    // Another ksa takes the run between the proposal and its approval: a live process owns its lock.
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    context.onTestFinished(() => void other.kill('SIGKILL'));
    const owner = { pid: other.pid, hostname: hostname(), startedAt: new Date().toISOString(), command: 'ksa resume fleet-run', heartbeatMs: 60_000 };
    await writeFile(path.join(runDir(app.home, 'fleet-run'), 'owner.lock'), JSON.stringify(owner));
    await app.send('y');
    const frame = unboxed(await app.waitFor((text) => unboxed(text).includes(`run fleet-run is being run by process ${other.pid}`)));
    expect(frame).toContain(`wait for it, or stop it with: ksa cancel fleet-run --redis ${REDIS}`);
  });
});
