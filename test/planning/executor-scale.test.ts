import { describe, expect, it } from 'vitest';
import { Execution, PlanSchema, type Plan } from '../../src/planning/index.js';
import { FakeTools } from '../helpers/fake-tools.js';
import { VirtualClock } from '../helpers/virtual-clock.js';

/** Plans are built directly in their parsed form: zod parsing 100k steps is not what is measured here. */
function plan(n: number, deps: (i: number) => string[], maxParallel = 5): Plan {
  const steps = Array.from({ length: n }, (_, i) => ({ id: `s${i}`, tool: 'fake', args: {}, dependsOn: deps(i) }));
  return { goal: 'scale', inputs: {}, maxParallel, steps } as Plan;
}

describe('executor: scale', () => {
  it('the plan parser accepts a generated plan of this shape', () => {
    expect(PlanSchema.safeParse(plan(3, (i) => (i > 0 ? [`s${i - 1}`] : []))).success).toBe(true);
  });

  it('runs a 50k-step chain with instant tools', async () => {
    const n = 50_000;
    const clock = new VirtualClock();
    let calls = 0;
    const execution = new Execution({
      plan: plan(n, (i) => (i > 0 ? [`s${i - 1}`] : [])),
      runId: 'big',
      clock,
      invokeTool: async () => {
        calls++;
        return null;
      },
    });
    const state = await clock.run(execution.start());
    expect(state.status).toBe('succeeded');
    expect(calls).toBe(n);
    expect(state.completed).toHaveLength(n);
  });

  it('runs 50k independent steps under maxParallel 100', async () => {
    const n = 50_000;
    const clock = new VirtualClock();
    let active = 0;
    let maxActive = 0;
    const execution = new Execution({
      plan: plan(n, () => [], 100),
      runId: 'wide',
      clock,
      invokeTool: async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await Promise.resolve();
        active--;
        return null;
      },
    });
    const state = await clock.run(execution.start());
    expect(state.status).toBe('succeeded');
    expect(maxActive).toBe(100);
  });

  it('simulates thousands of timed steps on the virtual clock', async () => {
    // 2 000 steps in 20 chains of 100, each taking 1–9 virtual ms, 8 slots.
    const n = 2_000;
    const clock = new VirtualClock();
    const durations = Object.fromEntries(Array.from({ length: n }, (_, i) => [`s${i}`, { ms: 1 + ((i * 7) % 9) }]));
    const tools = new FakeTools(clock, { steps: durations });
    const execution = new Execution({ plan: plan(n, (i) => (i >= 20 ? [`s${i - 20}`] : []), 8), runId: 'timed', clock, invokeTool: tools.invoke });
    const state = await clock.run(execution.start());
    expect(state.status).toBe('succeeded');
    expect(tools.maxActive).toBe(8);
    expect(clock.fired).toBeGreaterThanOrEqual(n);
  });

  it('a failure in a 20k-step plan cancels the rest and rolls back newest first', async () => {
    const n = 20_000;
    const clock = new VirtualClock();
    const p = plan(n, (i) => (i > 0 ? [`s${i - 1}`] : []));
    for (const step of p.steps) if (step.type !== 'llm_query' && step.type !== 'condition') step.rollback = { tool: 'undo', args: {} };
    const rolledBack: string[] = [];
    const execution = new Execution({
      plan: p,
      runId: 'fail',
      clock,
      invokeTool: async (call) => {
        if (call.phase === 'rollback') rolledBack.push(call.stepId);
        else if (call.stepId === 's16000') throw new Error('boom');
        return null;
      },
    });
    const state = await clock.run(execution.start());
    expect(state.status).toBe('failed');
    expect(rolledBack).toHaveLength(16_000);
    expect(rolledBack[0]).toBe('s15999');
    expect(rolledBack.at(-1)).toBe('s0');
    expect(state.steps.s19999!.status).toBe('cancelled');
  });
});
