import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunWorkers } from '../../src/agent/session-runs.js';
import { initialRunState, PlanSchema, type InvokeTool } from '../../src/planning/index.js';
import { placementOf } from '../../src/planning/placement.js';
import { json } from '../helpers/agent-fixtures.js';
import { REFLECTION } from '../helpers/chat-script.js';
import { chatModel, renderChatApp, type ChatApp } from '../helpers/tui-app.js';

// The chat's /resume of a run that sent its steps to workers (ksa run --redis, its coordinator killed): as ksa
// resume, it goes on only through that Redis; with none, or another, its workers' steps would run in the chat.

const RUN_ID = 'fleet-run';
const RECORDED = 'redis://127.0.0.1:6391';

/** An interrupted run (its process gone) whose step `gpu` runs on workers labelled gpu. */
async function interruptedFleetRun(app: ChatApp): Promise<void> {
  const plan = PlanSchema.parse({
    goal: 'Train on a worker',
    steps: [{ id: 'gpu', runsOn: ['gpu'], tool: 'shell', args: { command: 'touch ran-here' } }],
  });
  const run = await app.runs.create({ runId: RUN_ID, goal: plan.goal, createdAt: new Date().toISOString(), workspace: app.workspace, plan, inputs: {}, allowedEnv: [], redis: RECORDED, state: initialRunState(RUN_ID, plan.goal, ['gpu'], {}) }, 'test');
  await run.close();
}

/** Workers through `redis` that run what is sent to them with the local invoker, noting each step sent. */
function fakeWorkers(redis: string) {
  const sent: string[] = [];
  const opened: { runId: string; reattach: boolean }[] = [];
  const workers: RunWorkers = {
    redis,
    check: async () => {},
    open: async (runId, plan, reattach) => {
      opened.push({ runId, reattach });
      return {
        remote: {
          placeStep: (step) => ('runsOn' in step ? placementOf(step, plan) : undefined),
          invoker: (local: InvokeTool) => (call) => {
            if (call.placement) sent.push(call.stepId);
            return local(call);
          },
        },
        close: async () => {},
      };
    },
    stopRollbacks: async () => ({ said: [], warnings: [] }),
  };
  return { workers, sent, opened };
}

const unboxed = (frame: string) => frame.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');

describe("the chat's /resume of a run that sent its steps to workers", () => {
  it('without a Redis, refuses as ksa resume does, naming the run\'s Redis, and runs nothing', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([], [json(REFLECTION)]) });
    await interruptedFleetRun(app);
    const before = await app.runs.read(RUN_ID);
    await app.send(`/resume ${RUN_ID}`);
    const frame = unboxed(await app.waitForText(`Run ${RUN_ID} sent its steps to workers through ${RECORDED}; resume it there: ksa resume ${RUN_ID} --redis ${RECORDED}. Nothing was run (a chat started with KSA_REDIS_URL naming that Redis resumes it too).`));
    expect(frame).not.toContain('run? [y/n/e]');
    expect(app.session.snapshot().pending).toBeUndefined();
    expect(await app.runs.read(RUN_ID)).toEqual(before);
    expect(existsSync(path.join(app.workspace, 'ran-here'))).toBe(false);
  });

  it('through another Redis, refuses: its jobs and their results are not there', async (context) => {
    const { workers, opened } = fakeWorkers('redis://127.0.0.1:6392');
    const app = await renderChatApp(context, { model: chatModel([], [json(REFLECTION)]), workers });
    await interruptedFleetRun(app);
    await app.send(`/resume ${RUN_ID}`);
    await app.waitForText(`Run ${RUN_ID} sent its steps to workers through ${RECORDED}, not redis://127.0.0.1:6392: its jobs and their results are there; resume it with --redis ${RECORDED}. Nothing was run`);
    expect(app.session.snapshot().pending).toBeUndefined();
    expect(opened).toEqual([]);
  });

  it('through the same Redis (its URL spelt otherwise), resumes it there: its step goes to the workers again', async (context) => {
    const { workers, sent, opened } = fakeWorkers(`${RECORDED}/0`);
    const app = await renderChatApp(context, { model: chatModel([], [json(REFLECTION)]), workers });
    await interruptedFleetRun(app);
    await app.send(`/resume ${RUN_ID}`);
    await app.waitFor('run? [y/n/e]');
    await app.send('y');
    await app.waitFor(`Reflection on run ${RUN_ID}`, 15_000);
    expect((await app.runs.read(RUN_ID)).state.status).toBe('succeeded');
    expect(opened).toEqual([{ runId: RUN_ID, reattach: true }]);
    expect(sent).toEqual(['gpu']);
  });
});
