import { describe, expect, it } from 'vitest';
import { doneStepIds, rollbackOnCancel, PlanSchema, type PlanInput, type RunState } from '../../src/planning/index.js';
import type { FakeToolsOptions } from '../helpers/fake-tools.js';
import { Harness, runPlan, toolStep } from '../helpers/run-plan.js';

// A run stopped (a crash, a stop at once) while it rolled back: a step whose rollback was under
// way says succeeded, though what it did may be gone. A resume must not build on it.
const plan = {
  goal: 'g',
  steps: [
    toolStep('namespace', [], { rollback: { tool: 'undo', args: {} } }),
    toolStep('config', ['namespace'], { rollback: { tool: 'undo', args: {} } }),
    toolStep('app', ['config']),
  ],
};

/** The state of a run halted (as by a crash) at `atMs`, with its tools behaving as given; interrupted, as the store then reads it. */
async function haltedAt(given: PlanInput, tools: FakeToolsOptions, atMs = 100): Promise<RunState> {
  const h = new Harness(given, { tools });
  const start = h.execution.start();
  await h.clock.advanceTo(atMs);
  const saved = JSON.parse(JSON.stringify(h.execution.state)) as RunState;
  h.execution.halt();
  await h.clock.run(start);
  saved.status = 'interrupted';
  return saved;
}

const CUT_SHORT: FakeToolsOptions = { steps: { app: { fail: true } }, rollbacks: { config: { ms: 5 }, namespace: { hang: true } } };

/** `app` failed; config's rollback is done, namespace's is under way when the state is taken. */
function stoppedInRollback(): Promise<RunState> {
  return haltedAt(plan, CUT_SHORT);
}

describe('a run stopped during its rollback', () => {
  it('records the step whose rollback is under way, and drops the mark once it ends', async () => {
    const saved = await stoppedInRollback();
    expect(saved.steps.namespace).toMatchObject({ status: 'succeeded', rollbackStartedAt: expect.any(String) });
    expect(saved.steps.namespace!.rollback).toBeUndefined();
    expect(saved.steps.config).toMatchObject({ status: 'rolled_back', rollback: { status: 'succeeded' } });
    expect(saved.steps.config!.rollbackStartedAt).toBeUndefined();
  });

  it('on resume runs that step again instead of building on it', async () => {
    const saved = await stoppedInRollback();
    saved.steps.namespace!.startedAt = '2020-01-01T00:00:00.000Z';
    const { state, h } = await runPlan(plan, { resumeFrom: saved });
    expect(state.status).toBe('succeeded');
    expect(h.tools.started()).toEqual(['namespace', 'config', 'app']);
    // A new attempt number: a worker's job of the attempt that succeeded would give its old result back.
    expect(state.steps.namespace).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(h.tools.calls.filter((call) => call.stepId === 'namespace').map((call) => call.attempt)).toEqual([2]);
    expect(state.steps.namespace!.rollbackStartedAt).toBeUndefined();
    expect(state.completed).toEqual(['namespace', 'config', 'app']);
    // Its time is its new go's (ksa status shows how long that took, not since the first go).
    expect(state.steps.namespace!.startedAt).toBe(h.of('step_started').find((event) => event.stepId === 'namespace')!.ts);
  });

  it('a step whose rollback failed is not built on either', async () => {
    const saved = await haltedAt(plan, { steps: { app: { fail: true } }, rollbacks: { config: { fail: true }, namespace: { hang: true } } });
    expect(saved.steps.config).toMatchObject({ status: 'succeeded', rollback: { status: 'failed' } });
    const { h: resumed } = await runPlan(plan, { resumeFrom: saved });
    expect(resumed.tools.started()).toEqual(['namespace', 'config', 'app']);
  });

  it('a step rolled back in full runs again under a new attempt number (a worker would give the old job\'s result)', async () => {
    const saved = await stoppedInRollback();
    const { h } = await runPlan(plan, { resumeFrom: saved });
    expect(h.tools.calls.filter((call) => call.stepId === 'config' && call.phase === 'run').map((call) => call.attempt)).toEqual([2]);
  });

  it('its new go has the retries of its policy: earlier attempts do not count against them', async () => {
    const retrying = { ...plan, steps: [toolStep('namespace', [], { retry: { maxAttempts: 2, initialDelayMs: 0 }, rollback: { tool: 'undo', args: {} } }), ...plan.steps.slice(1)] };
    const saved = await haltedAt(retrying, CUT_SHORT);
    const { state, h: resumed } = await runPlan(retrying, { resumeFrom: saved, tools: { steps: { namespace: { failTimes: 1 } } } });
    expect(state.status).toBe('succeeded');
    expect(resumed.tools.calls.filter((call) => call.stepId === 'namespace').map((call) => call.attempt)).toEqual([2, 3]);
  });

  it('should its new go fail, what is left of its first success is still rolled back', async () => {
    const saved = await stoppedInRollback();
    const { state, h } = await runPlan(plan, { resumeFrom: saved, tools: { steps: { namespace: { fail: true } } } });
    expect(state.status).toBe('failed');
    expect(h.tools.calls.filter((call) => call.phase === 'rollback').map((call) => call.stepId)).toEqual(['namespace']);
  });

  it('a done step that ran on what a rollback undid (a check, a step its when skipped) runs again, after it', async () => {
    const chain = {
      goal: 'g',
      steps: [
        toolStep('db', [], { rollback: { tool: 'undo', args: {} } }),
        toolStep('check', ['db']),
        toolStep('seed', ['check'], { when: 'false' }),
        toolStep('app', ['check'], { rollback: { tool: 'undo', args: {} } }),
        toolStep('fail', ['app']),
        toolStep('other', []),
      ],
    };
    const saved = await haltedAt(chain, { steps: { fail: { fail: true }, other: { ms: 1 } }, rollbacks: { app: { ms: 5 }, db: { hang: true } } }, 200);
    expect(saved.steps).toMatchObject({ db: { status: 'succeeded' }, check: { status: 'succeeded' }, seed: { status: 'skipped' }, app: { status: 'rolled_back' }, other: { status: 'succeeded' } });
    // What /resume and ksa resume call done is what the resume keeps.
    expect(doneStepIds(saved, PlanSchema.parse(chain))).toEqual(['other']);
    const { state, h: resumed } = await runPlan(chain, { resumeFrom: saved });
    expect(state.status).toBe('succeeded');
    expect(resumed.tools.started()).toEqual(['db', 'check', 'app', 'fail']);
    // Each after what it depends on: app does not start beside the db it needs.
    expect(resumed.startedAt('check', 2)).toBeGreaterThanOrEqual(resumed.tools.calls.find((call) => call.stepId === 'db')!.end!);
    expect(state.steps.seed!.status).toBe('skipped');
  });

  it('is not counted as done (the chat\'s /resume and its reopened-session notice say what runs again)', async () => {
    const saved = await stoppedInRollback();
    const parsed = PlanSchema.parse(plan);
    expect(doneStepIds(saved, parsed)).toEqual([]);
    expect(doneStepIds({ steps: { ...saved.steps, namespace: { status: 'succeeded', attempts: 1 } } }, parsed)).toEqual(['namespace']);
  });

  it('ksa cancel runs the cut-short rollback again, and not the finished one', async () => {
    const saved = await stoppedInRollback();
    expect(rollbackOnCancel(saved, PlanSchema.parse(plan))).toEqual(['namespace']);
  });
});
