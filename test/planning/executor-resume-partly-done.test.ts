import { describe, expect, it } from 'vitest';
import type { RunState } from '../../src/planning/index.js';
import { Harness, runPlan, toolStep } from '../helpers/run-plan.js';

// A resumed run keeps where a fan-out that did not succeed as a whole had succeeded: the fan-out runs
// again, and until it succeeds everywhere its rollback still covers those workers, once.

const plan = {
  goal: 'g',
  steps: [
    toolStep('build', [], { rollback: { tool: 'undo', args: {} } }),
    toolStep('restart', ['build'], { rollback: { tool: 'undo', args: { was: '{{ steps.restart.output["web-1"].v }}' } } }),
    toolStep('verify', ['restart']),
  ],
};

/** Stopped (kill -9) while undoing restart, which had failed on web-2 and succeeded on web-1. */
function interruptedWhileUndoing(rollback?: RunState['steps'][string]['rollback']): RunState {
  return {
    runId: 'run-1',
    goal: 'g',
    status: 'running',
    inputs: {},
    steps: {
      build: { status: 'succeeded', attempts: 1, output: { v: 'b' } },
      restart: { status: 'failed', attempts: 1, error: 'failed on 1 of 2 workers', worker: 'web-1,web-2', succeededOn: { 'web-1': { v: 'w1' } }, ...(rollback ? { rollback } : {}) },
      verify: { status: 'cancelled', attempts: 0 },
    },
    completed: ['build', 'restart'],
    failedStepId: 'restart',
    error: 'step "restart" failed: failed on 1 of 2 workers',
  };
}

describe('executor: resuming a run with a partly-done fan-out', () => {
  it('cancelled before the fan-out runs again (ksa cancel of the interrupted run): undone where it succeeded, then build', async () => {
    const h = new Harness(plan, { resumeFrom: interruptedWhileUndoing() });
    h.execution.cancel();
    const state = await h.run();
    expect(state.status).toBe('cancelled');
    expect(h.tools.started('rollback')).toEqual(['restart', 'build']);
    expect(h.tools.callsOf('restart', 'rollback')[0]!.args).toEqual({ was: 'w1' });
    expect(h.of('rollback_step_succeeded')[0]).toMatchObject({ stepId: 'restart', worker: 'web-1' });
    expect(state.steps.restart).toMatchObject({ status: 'cancelled', succeededOn: { 'web-1': { v: 'w1' } }, rollback: { status: 'succeeded' } });
  });

  it('the fan-out runs again and succeeds: a later failure undoes it once, as a succeeded step', async () => {
    const { state, h } = await runPlan(plan, { resumeFrom: interruptedWhileUndoing(), tools: { steps: { restart: { output: { 'web-1': { v: 'w1' }, 'web-2': { v: 'w2' } } }, verify: { fail: true } } } });
    expect(state.status).toBe('failed');
    expect(h.tools.started()).toEqual(['restart', 'verify']);
    expect(state.completed).toEqual(['build', 'restart']);
    expect(h.tools.started('rollback')).toEqual(['restart', 'build']);
    expect(state.steps.restart).toMatchObject({ status: 'rolled_back' });
    expect(state.steps.restart).not.toHaveProperty('succeededOn');
  });

  it('a fan-out whose undo had finished before the stop is not undone again', async () => {
    const undone = interruptedWhileUndoing({ status: 'succeeded', startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:01.000Z' });
    const h = new Harness(plan, { resumeFrom: undone });
    h.execution.cancel();
    const state = await h.run();
    expect(h.tools.started('rollback')).toEqual(['build']);
    expect(state.steps.restart).not.toHaveProperty('succeededOn');
  });
});
