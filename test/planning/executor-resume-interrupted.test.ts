import { describe, expect, it } from 'vitest';
import { rollbackOnCancel, type Plan, type RunState } from '../../src/planning/index.js';
import { Harness, runPlan, toolStep } from '../helpers/run-plan.js';

/**
 * A container deploy killed while "start" ran: the container may have started (and holds the port)
 * though the run never heard so. Run again on resume, "start" fails (the name is taken); undoing only
 * the steps that succeeded would restart the previous container on a port still held.
 */
const plan = (startRollback: Record<string, unknown> = { name: '{{ inputs.name }}' }) => ({
  goal: 'g',
  inputs: { name: 'web' },
  steps: [
    toolStep('retire', [], { rollback: { tool: 'rename_back', args: { name: '{{ inputs.name }}' } } }),
    toolStep('start', ['retire'], { retry: { maxAttempts: 2, initialDelayMs: 100 }, rollback: { tool: 'rm', args: startRollback } }),
    toolStep('health', ['start']),
  ],
});

/** The state saved when the run stopped with "start" mid-attempt (or, `betweenAttempts`, waiting to retry). */
async function stoppedDuringStart(betweenAttempts = false): Promise<RunState> {
  const h = new Harness(plan(), { tools: { steps: { retire: { ms: 10 }, start: betweenAttempts ? { fail: true, ms: 5 } : { hang: true } } } });
  const start = h.execution.start();
  await h.clock.advanceTo(betweenAttempts ? 20 : 15);
  const st = h.execution.state.steps.start!;
  expect(st.status).toBe('running');
  expect(st.retryAt !== undefined).toBe(betweenAttempts);
  const saved = JSON.parse(JSON.stringify(h.execution.state)) as RunState;
  h.execution.cancel();
  await h.clock.run(start);
  saved.status = 'interrupted';
  return saved;
}

describe('executor: a step cut short by the stop of the run, resumed', () => {
  it('cancelled where it stood (ksa cancel of the interrupted run): it still names the worker its attempt ran on', async () => {
    const saved = await stoppedDuringStart();
    saved.steps.start!.worker = 'w1';
    const h = new Harness(plan(), { resumeFrom: saved, resumeFor: 'rollback' });
    h.execution.cancel('cancelled with ksa cancel after the run was interrupted');
    const state = await h.run();
    expect(state.steps.start).toMatchObject({ status: 'cancelled', worker: 'w1' });
  });

  it('cancelled where it stood after its process died: it ends when it was cut short, not when the cancel reached it', async () => {
    const saved = await stoppedDuringStart();
    saved.steps.start!.cutShortAt = new Date(12).toISOString();
    const h = new Harness(plan(), { resumeFrom: saved, resumeFor: 'rollback' });
    await h.clock.advanceTo(500);
    h.execution.cancel('cancelled with ksa cancel after the run was interrupted');
    const state = await h.run();
    expect(state.steps.start).toMatchObject({ status: 'cancelled', endedAt: new Date(12).toISOString(), cutShortAt: new Date(12).toISOString() });
    // A step that was not cut short (never started) ends with the cancel, as before.
    expect(Date.parse(state.steps.health!.endedAt!)).toBeGreaterThanOrEqual(500);
  });

  it('rollbackOnCancel names, in order, exactly what the cancel\'s rollback then undoes (the cut-short step first)', async () => {
    for (const startRollback of [{ name: '{{ inputs.name }}' }, { id: '{{ steps.start.output.id }}' }]) {
      const saved = await stoppedDuringStart();
      const announced = rollbackOnCancel(saved, plan(startRollback) as Plan);
      const h = new Harness(plan(startRollback), { resumeFrom: saved, resumeFor: 'rollback' });
      h.execution.cancel('cancelled with ksa cancel after the run was interrupted');
      await h.run();
      expect(h.tools.started('rollback')).toEqual(announced);
    }
    expect(rollbackOnCancel(await stoppedDuringStart(), plan() as Plan)).toEqual(['start', 'retire']);
  });

  it('ksa cancel of the interrupted run: a rollback reads the outputs of the steps that succeeded before the stop', async () => {
    const saved = await stoppedDuringStart();
    expect(saved.steps.retire!.output).toEqual({ stepId: 'retire', attempt: 1 });
    const [retire, ...rest] = plan().steps;
    const rollback = { tool: 'rename_back', args: { name: '{{ steps.retire.output.stepId }}-{{ steps.retire.attempts }}' } };
    const readsOutput = { ...plan(), steps: [{ ...retire!, rollback }, ...rest] };
    const h = new Harness(readsOutput, { resumeFrom: saved, resumeFor: 'rollback' });
    h.execution.cancel('cancelled with ksa cancel after the run was interrupted');
    const state = await h.run();
    expect(state.steps.retire).toMatchObject({ status: 'rolled_back', rollback: { status: 'succeeded' } });
    expect(h.tools.callsOf('retire', 'rollback').map((c) => c.args)).toEqual([{ name: 'retire-1' }]);
  });

  it('fails on resume: its rollback runs too, first, though the step stays failed', async () => {
    const saved = await stoppedDuringStart();
    const { state, h } = await runPlan(plan(), { resumeFrom: saved, tools: { steps: { start: { fail: true } } } });
    expect(state.status).toBe('failed');
    expect(state.steps.start).toMatchObject({ status: 'failed', interruptedAttempt: 1, rollback: { status: 'succeeded' } });
    expect(h.tools.started('rollback')).toEqual(['start', 'retire']);
    expect(h.tools.callsOf('start', 'rollback')[0]!.args).toEqual({ name: 'web' });
    expect(state.steps.retire!.status).toBe('rolled_back');
    expect(h.of('rollback_started')).toEqual([expect.objectContaining({ stepIds: ['start', 'retire'] })]);
  });

  it('a rollback that reads the step\'s own result is not run: that result was never given', async () => {
    const saved = await stoppedDuringStart();
    const { state, h } = await runPlan(plan({ id: '{{ steps.start.output.id }}' }), { resumeFrom: saved, tools: { steps: { start: { fail: true } } } });
    expect(state.status).toBe('failed');
    expect(h.tools.started('rollback')).toEqual(['retire']);
    expect(state.steps.start!.rollback).toBeUndefined();
  });

  it('a step that was waiting for its retry (its last attempt had failed) is not undone when it fails again', async () => {
    const saved = await stoppedDuringStart(true);
    const { state, h } = await runPlan(plan(), { resumeFrom: saved, tools: { steps: { start: { fail: true } } } });
    expect(state.status).toBe('failed');
    expect(state.steps.start!.interruptedAttempt).toBeUndefined();
    expect(h.tools.started('rollback')).toEqual(['retire']);
  });

  it('succeeds on resume: undone like any succeeded step when a later one fails, once', async () => {
    const saved = await stoppedDuringStart();
    const { state, h } = await runPlan(plan(), { resumeFrom: saved, tools: { steps: { health: { fail: true } } } });
    expect(state.status).toBe('failed');
    expect(h.tools.started('rollback')).toEqual(['start', 'retire']);
    expect(state.steps.start!.status).toBe('rolled_back');
  });

  it('a cancel right after the resume, while the step runs again, undoes it as well', async () => {
    const saved = await stoppedDuringStart();
    const h = new Harness(plan(), { resumeFrom: saved, tools: { steps: { start: { hang: true } } } });
    const run = h.execution.start();
    expect(h.tools.started()).toEqual(['start']);
    h.execution.cancel();
    const state = await h.clock.run(run);
    expect(state.status).toBe('cancelled');
    expect(h.tools.started('rollback')).toEqual(['start', 'retire']);
    expect(state.steps.start).toMatchObject({ status: 'cancelled', rollback: { status: 'succeeded' } });
  });

  it('cancelled while waiting for its retry (ksa cancel of the interrupted run): it keeps the error its last attempt failed with', async () => {
    const saved = await stoppedDuringStart(true);
    const error = saved.steps.start!.error;
    expect(error).toBeTruthy();
    const h = new Harness(plan(), { resumeFrom: saved, resumeFor: 'rollback' });
    h.execution.cancel('cancelled with ksa cancel after the run was interrupted');
    const state = await h.run();
    expect(state.steps.start).toMatchObject({ status: 'cancelled', error });
  });

  it('rollbackOnCancel names a step that succeeded on some workers and was cut short on others, as the rollback undoes it there', async () => {
    const saved = await stoppedDuringStart();
    saved.steps.start!.succeededOn = { w1: { id: 'c1' } };
    const announced = rollbackOnCancel(saved, plan({ id: '{{ steps.start.output.w1.id }}' }) as Plan);
    const h = new Harness(plan({ id: '{{ steps.start.output.w1.id }}' }), { resumeFrom: saved, resumeFor: 'rollback' });
    h.execution.cancel('cancelled with ksa cancel after the run was interrupted');
    await h.run();
    expect(announced).toEqual(['start', 'retire']);
    expect(h.tools.started('rollback')).toEqual(announced);
  });
});
