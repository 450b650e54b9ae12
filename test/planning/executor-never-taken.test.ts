import { describe, expect, it } from 'vitest';
import type { InvokeTool } from '../../src/planning/index.js';
import { runPlan, toolStep } from '../helpers/run-plan.js';
import { VirtualClock } from '../helpers/virtual-clock.js';

// A step placed on workers starts when one takes it: one no worker took within --worker-wait never started,
// so its record has no start and its step_failed no duration; one a worker took counts from then.

const placeStep = () => ({ labels: ['gpu'], each: false });

/** Says the step waits, and after `takenAfterMs` a worker takes it (or, without one, no worker ever does). */
function invoker(clock: VirtualClock, takenAfterMs?: number): InvokeTool {
  return async (call) => {
    call.onOutput('waiting for a worker (labels: gpu)', 'stderr');
    await new Promise<void>((resolve) => clock.setTimer(takenAfterMs ?? 5000, resolve));
    if (takenAfterMs === undefined) throw new Error('no worker took it within 5s: waiting for a worker (labels: gpu)');
    call.onWorker?.('gpu-1');
    await new Promise<void>((resolve) => clock.setTimer(1000, resolve));
    return { ok: true };
  };
}

describe('executor: a step no worker took', () => {
  it('has no start in its record and no duration in its step_failed', async () => {
    const clock = new VirtualClock();
    const { state, h } = await runPlan({ goal: 'g', steps: [toolStep('train', [])] }, { clock, invokeTool: invoker(clock), placeStep });
    expect(state.steps.train).toMatchObject({ status: 'failed', attempts: 1 });
    expect(state.steps.train!.startedAt).toBeUndefined();
    expect(state.steps.train!.endedAt).toBeDefined();
    expect(h.of('step_started')).toEqual([]);
    expect(h.of('step_failed')[0]).not.toHaveProperty('durationMs');
  });

  it('one a worker took starts then: its record and duration leave out the wait', async () => {
    const clock = new VirtualClock();
    const { state, h } = await runPlan({ goal: 'g', steps: [toolStep('train', [])] }, { clock, invokeTool: invoker(clock, 3000), placeStep });
    expect(Date.parse(state.steps.train!.startedAt!) - clock.epochMs).toBe(3000);
    expect(h.of('step_succeeded')[0]!.durationMs).toBe(1000);
  });
});
