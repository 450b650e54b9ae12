import { describe, expect, it } from 'vitest';
import { measureAgent, MODEL_MS } from '../../bench/agent-loop.js';
import { agentTasks, sequentialOrder } from '../../bench/agent-tasks.js';
import { Random } from '../../bench/random.js';

// The P6 benchmark itself: deterministic under simulated time, a fair
// comparison (same tool calls, one per turn in the loop), and the goal met.

describe('P6: plan-and-execute vs a tool loop', () => {
  it('both sides make the same tool calls; the loop one per model turn plus a final answer; ours plan + reflect', async () => {
    const figures = await measureAgent(1);
    expect(figures.modelMs).toBe(MODEL_MS);
    for (const task of figures.tasks) {
      expect(task.toolLoop.toolCalls).toBe(task.steps);
      expect(task.planExecute.toolCalls).toBe(task.steps);
      expect(task.toolLoop.modelCalls).toBe(task.steps + 1);
      expect(task.planExecute.modelCalls).toBe(2);
      expect(task.planExecuteRepaired.modelCalls).toBe(3);
      // The loop pays every model call and every tool in sequence.
      expect(task.toolLoop.ms).toBeGreaterThanOrEqual((task.steps + 1) * MODEL_MS);
      // Ours never waits longer than doing everything one by one after planning.
      expect(task.planExecute.ms).toBeLessThan(task.toolLoop.ms);
    }
  });

  it('meets the goal: ≥ 2.5× faster and ≥ 2× fewer model calls; identical figures on every run', async () => {
    const first = await measureAgent(1);
    expect(first.speedup).toBeGreaterThanOrEqual(2.5);
    expect(first.modelCallRatio).toBeGreaterThanOrEqual(2);
    expect(await measureAgent(1)).toEqual(first);
  });

  it('holds for other seeds (other tool latencies)', async () => {
    for (const seed of [2, 3, 42]) {
      const figures = await measureAgent(seed);
      expect(figures.speedup, `seed ${seed}`).toBeGreaterThanOrEqual(2.5);
      expect(figures.modelCallRatio, `seed ${seed}`).toBeGreaterThanOrEqual(2);
    }
  });

  it('every task lists dependencies before dependents (the loop can follow plan order)', () => {
    for (const task of agentTasks(new Random(1))) expect(sequentialOrder(task)).toHaveLength(task.plan.steps.length);
  });
});
