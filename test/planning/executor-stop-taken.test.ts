import { describe, expect, it } from 'vitest';
import type { InvokeTool } from '../../src/planning/index.js';
import { runPlan, toolStep } from '../helpers/run-plan.js';
import { VirtualClock } from '../helpers/virtual-clock.js';

// A step placed on workers, stopped by the run (another step failed) before the run heard that a worker had
// taken it: the attempt ends as its work says it ended there, not "cancelled, never started" at once.

const placeStep = () => ({ labels: ['a'], each: false });
const delay = (clock: VirtualClock, ms: number) => new Promise<void>((resolve) => clock.setTimer(ms, resolve));

/** f0 fails at 100 ms; deploy's worker, heard of at 150 ms, reports `deployEnd` (run there, or not taken). */
function invoker(clock: VirtualClock, deployEnd: 'succeeded' | 'failed' | 'not-taken', calls: string[]): InvokeTool {
  return async (call) => {
    calls.push(`${call.phase}:${call.stepId}`);
    if (call.phase === 'rollback') return null;
    if (call.stepId === 'f0') {
      call.onWorker?.('w0');
      await delay(clock, 100);
      throw new Error('command exited with code 3');
    }
    await delay(clock, 150);
    if (deployEnd === 'not-taken') throw call.signal.reason;
    call.onWorker?.('w1');
    if (deployEnd === 'failed') throw new Error('command exited with code 4');
    return { stdout: 'deployed' };
  };
}

const plan = { goal: 'g', steps: [toolStep('f0'), toolStep('deploy', [], { rollback: { tool: 'fake', args: {} } })] };

describe('executor: a step taken on a worker before the run stopped', () => {
  it('one that succeeded there is recorded started and succeeded, and rolled back', async () => {
    const clock = new VirtualClock();
    const calls: string[] = [];
    const { state, h } = await runPlan(plan, { clock, invokeTool: invoker(clock, 'succeeded', calls), placeStep });
    expect(state.status).toBe('failed');
    expect(state.steps.deploy).toMatchObject({ status: 'rolled_back', worker: 'w1', rollback: { status: 'succeeded' } });
    expect(h.trace((e) => 'stepId' in e && e.stepId === 'deploy')).toEqual(['step_started:deploy#1', 'step_succeeded:deploy#1', 'rollback_step_succeeded:deploy#1']);
    expect(calls).toContain('rollback:deploy');
  });

  it('one that failed there of itself is recorded failed, not undone', async () => {
    const clock = new VirtualClock();
    const calls: string[] = [];
    const { state } = await runPlan(plan, { clock, invokeTool: invoker(clock, 'failed', calls), placeStep });
    expect(state.steps.deploy).toMatchObject({ status: 'failed', worker: 'w1', error: 'command exited with code 4' });
    expect(state.failedStepId).toBe('f0');
    expect(calls).not.toContain('rollback:deploy');
  });

  it('one no worker took is cancelled and never started', async () => {
    const clock = new VirtualClock();
    const calls: string[] = [];
    const { state, h } = await runPlan(plan, { clock, invokeTool: invoker(clock, 'not-taken', calls), placeStep });
    expect(state.steps.deploy).toMatchObject({ status: 'cancelled' });
    expect(state.steps.deploy!.startedAt).toBeUndefined();
    expect(h.trace((e) => 'stepId' in e && e.stepId === 'deploy')).toEqual(['step_cancelled:deploy#1']);
    expect(calls).not.toContain('rollback:deploy');
  });
});
