import { describe, expect, it } from 'vitest';
import type { InvokeTool } from '../../src/planning/index.js';
import { runPlan, toolStep } from '../helpers/run-plan.js';
import { VirtualClock } from '../helpers/virtual-clock.js';

// A resumed run takes over an attempt a worker ran while no ksa watched it: the invoker names the worker
// with the worker's own times, and the record and durations keep them (its events are stamped when heard).

const placeStep = () => ({ labels: [], each: false });

function takenOver(clock: VirtualClock, ran: { startedAtMs: number; endedAtMs: number }): InvokeTool {
  return async (call) => {
    await new Promise<void>((resolve) => clock.setTimer(500, resolve));
    call.onWorker?.('w1', { startedAtMs: clock.epochMs + ran.startedAtMs, endedAtMs: clock.epochMs + ran.endedAtMs });
    return { ok: true };
  };
}

describe('executor: an attempt taken over from its worker', () => {
  it("keeps the worker's start and end in the record and in its duration, not the moment it was collected", async () => {
    const clock = new VirtualClock();
    const { state, h } = await runPlan({ goal: 'g', steps: [toolStep('middle', [])] }, { clock, invokeTool: takenOver(clock, { startedAtMs: 100, endedAtMs: 400 }), placeStep });
    expect(state.steps.middle).toMatchObject({ status: 'succeeded', worker: 'w1' });
    expect(Date.parse(state.steps.middle!.startedAt!) - clock.epochMs).toBe(100);
    expect(Date.parse(state.steps.middle!.endedAt!) - clock.epochMs).toBe(400);
    expect(h.of('step_succeeded')[0]!.durationMs).toBe(300);
    expect(h.at(h.of('step_succeeded')[0]!)).toBe(500);
  });

  it("a worker whose clock is ahead gives no time after now (nor a negative duration)", async () => {
    const clock = new VirtualClock();
    const { state, h } = await runPlan({ goal: 'g', steps: [toolStep('middle', [])] }, { clock, invokeTool: takenOver(clock, { startedAtMs: 900, endedAtMs: 950 }), placeStep });
    expect(Date.parse(state.steps.middle!.startedAt!) - clock.epochMs).toBe(500);
    expect(Date.parse(state.steps.middle!.endedAt!) - clock.epochMs).toBe(500);
    expect(h.of('step_succeeded')[0]!.durationMs).toBe(0);
  });
});
