import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runChatTurn, type TurnEvent } from '../../src/agent/index.js';
import { initialRunState, PlanSchema } from '../../src/planning/index.js';
import { ConversationStore, RunStore, type Conversation } from '../../src/store/index.js';
import { tools } from '../helpers/agent-fixtures.js';
import { BUILD_ERROR, recordRun } from '../helpers/agent-runs.js';
import { promptText, streamingModel } from '../helpers/mock-model.js';

// The read-only run tools and cancel_run, as the chat model calls them,
// against runs really executed and recorded in a RunStore.

let home: string;
let conversation: Conversation;
beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'ksa-agent-tools-'));
  conversation = await new ConversationStore(home).create();
});
afterEach(async () => {
  await conversation.close();
  await rm(home, { recursive: true, force: true });
});

/** One turn in which the model calls `tool` with `input`, then answers; returns the tool's result and the model's second prompt. */
async function callTool(runs: RunStore, tool: string, input: Record<string, unknown>) {
  const model = streamingModel([{ toolCalls: [{ name: tool, input }] }, { text: 'ok' }]);
  const events: TurnEvent[] = [];
  await runChatTurn({ model, tools, runs, conversation, context: '', text: 'question', maxRetries: 0, onEvent: (event) => events.push(event) });
  const result = events.find((event) => event.type === 'tool-result');
  if (!result || result.type !== 'tool-result') throw new Error(`no result for ${tool}`);
  return { output: result.output as Record<string, unknown>, isError: result.isError, sentBack: promptText(model.doStreamCalls[1]!) };
}

describe('agent run tools', () => {
  it('get_run_status: the latest run by default, every step with its status and error', async () => {
    await recordRun(home, '20260101-000000-aaa');
    const { runs } = await recordRun(home, '20260101-000001-bbb', { failStep: 'build' });
    const { output, sentBack } = await callTool(runs, 'get_run_status', {});
    expect(output).toMatchObject({
      runId: '20260101-000001-bbb',
      status: 'failed',
      failedStepId: 'build',
      steps: [
        { id: 'install', status: 'succeeded', attempts: 1 },
        { id: 'build', status: 'failed', attempts: 1, error: BUILD_ERROR },
        { id: 'start', status: 'cancelled', attempts: 0 },
      ],
    });
    // The result goes back to the model.
    expect(sentBack).toContain('[tool-result get_run_status');
    expect(sentBack).toContain('error TS2322');
  });

  it('get_run_status of a 1,000-step run: counts by status and the steps that matter, small enough for any context window', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `s${i}`);
    const plan = PlanSchema.parse({ goal: 'Wide', steps: ids.map((id) => ({ id, tool: 'shell', args: { command: 'true' } })) }, { reportInput: false });
    const state = initialRunState('20260101-000002-ccc', plan.goal, ids, {});
    for (const id of ids) state.steps[id] = { status: 'succeeded', attempts: 1 };
    state.steps.s500 = { status: 'failed', attempts: 2, error: `exit 1: ${'x'.repeat(5000)}` };
    state.steps.s900 = { status: 'running', attempts: 1 };
    const runs = new RunStore(home);
    const stored = await runs.create({ runId: '20260101-000002-ccc', goal: plan.goal, createdAt: new Date().toISOString(), workspace: home, plan, inputs: {}, allowedEnv: [], state }, 'test');
    await stored.close();
    const { output, sentBack } = await callTool(runs, 'get_run_status', {});
    expect(output.stepCounts).toEqual({ succeeded: 998, failed: 1, running: 1 });
    const steps = output.steps as { id: string; status: string; error?: string }[];
    expect(steps).toHaveLength(40);
    expect(steps.slice(0, 2).map((step) => step.id)).toEqual(['s0', 's1']);
    expect(steps.filter((step) => step.status !== 'succeeded').map((step) => step.id)).toEqual(['s500', 's900']);
    expect(steps.find((step) => step.id === 's500')!.error!.length).toBeLessThan(700);
    expect(output.stepsShown).toBe('40 of 1000 steps, in plan order: every failed and running one, then others; stepCounts counts them all by status');
    expect(sentBack.length).toBeLessThan(32_000);
  });

  it('get_run_status of a given run (a unique prefix is enough); "latest" means the newest', async () => {
    await recordRun(home, '20260101-000000-aaa');
    const { runs } = await recordRun(home, '20260101-000001-bbb', { failStep: 'build' });
    expect((await callTool(runs, 'get_run_status', { runId: '20260101-000000' })).output).toMatchObject({ runId: '20260101-000000-aaa', status: 'succeeded' });
    expect((await callTool(runs, 'get_run_status', { runId: 'latest' })).output).toMatchObject({ runId: '20260101-000001-bbb' });
  });

  it('get_run_status of an unknown run is a tool error the model sees', async () => {
    const { runs } = await recordRun(home, '20260101-000000-aaa');
    const { output, isError, sentBack } = await callTool(runs, 'get_run_status', { runId: 'nope' });
    expect(isError).toBe(true);
    expect(output.error).toMatch(/nope/);
    expect(sentBack).toMatch(/nope/);
  });

  it('get_step_error: the failed step’s error and the end of its log', async () => {
    const { runs } = await recordRun(home, '20260101-000001-bbb', { failStep: 'build' });
    const { output } = await callTool(runs, 'get_step_error', {});
    expect(output).toMatchObject({ runId: '20260101-000001-bbb', stepId: 'build', status: 'failed', attempts: 1, error: BUILD_ERROR });
    expect((output.logTail as string[]).join('\n')).toContain('[stderr] src/app.ts(3,7): error TS2322');
  });

  it('get_step_error of a run without failures, and of a step that does not exist', async () => {
    const { runs } = await recordRun(home, '20260101-000000-aaa');
    expect((await callTool(runs, 'get_step_error', {})).output).toEqual({ runId: '20260101-000000-aaa', status: 'succeeded', error: 'no step of this run failed' });
    expect((await callTool(runs, 'get_step_error', { stepId: 'deploy' })).output).toEqual({
      runId: '20260101-000000-aaa',
      error: 'run 20260101-000000-aaa has no step "deploy"; its steps are install, build, start',
    });
  });

  it('list_runs: newest first, with goal and status, and how many runs there are in all', async () => {
    await recordRun(home, '20260101-000000-aaa');
    const { runs } = await recordRun(home, '20260101-000001-bbb', { failStep: 'build' });
    const { output } = await callTool(runs, 'list_runs', { limit: 5 });
    expect(output).toMatchObject({
      runs: [
        { runId: '20260101-000001-bbb', goal: 'Build and start the shop', status: 'failed' },
        { runId: '20260101-000000-aaa', status: 'succeeded' },
      ],
      total: 2,
    });
    const { output: one } = await callTool(runs, 'list_runs', { limit: 1 });
    expect(one).toMatchObject({ runs: [{ runId: '20260101-000001-bbb' }], total: 2 });
  });

  it('cancel_run of a run another process runs cancels nothing (a cancel undoes what it did: the user decides) and says how', async () => {
    const runs = new RunStore(home);
    const plan = PlanSchema.parse({ goal: 'Long', steps: [{ id: 'a', tool: 'shell', args: { command: 'true' } }] });
    const runId = '20260101-000000-bbb';
    const run = await runs.create({ runId, goal: plan.goal, createdAt: new Date().toISOString(), workspace: home, plan, inputs: {}, allowedEnv: [], state: initialRunState(runId, plan.goal, ['a'], {}) }, 'ksa run plan.yaml');
    try {
      const { output } = await callTool(runs, 'cancel_run', { runId });
      expect(output.result).toMatch(new RegExp(`^not cancelled: it runs in .*, and a cancel rolls back what it did, which the user decides; to cancel it: ksa cancel ${runId}$`));
      expect(readdirSync(run.dir)).not.toContain('cancel.request');
    } finally {
      await run.close();
    }
  });

  it('cancel_run of a finished run: nothing to cancel', async () => {
    const { runs } = await recordRun(home, '20260101-000000-aaa');
    expect((await callTool(runs, 'cancel_run', {})).output).toEqual({ runId: '20260101-000000-aaa', result: 'nothing to cancel: the run already succeeded' });
  });

  it('cancel_run of a run that sent its steps through Redis names ksa cancel with its --redis, running or not', async () => {
    const runs = new RunStore(home);
    const plan = PlanSchema.parse({ goal: 'Long', steps: [{ id: 'a', tool: 'shell', args: { command: 'true' } }] });
    const runId = '20260101-000000-ccc';
    const run = await runs.create({ runId, goal: plan.goal, createdAt: new Date().toISOString(), workspace: home, plan, inputs: {}, allowedEnv: [], redis: 'redis://queue-host:6379', state: initialRunState(runId, plan.goal, ['a'], {}) }, 'ksa run plan.yaml');
    try {
      expect((await callTool(runs, 'cancel_run', { runId })).output.result).toMatch(new RegExp(`; to cancel it: ksa cancel ${runId} --redis redis://queue-host:6379$`));
    } finally {
      await run.close();
    }
    expect((await callTool(runs, 'cancel_run', { runId })).output.result).toMatch(new RegExp(`\\(its process is gone\\); roll it back with: ksa cancel ${runId} --redis redis://queue-host:6379$`));
  });
});
