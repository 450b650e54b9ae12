import { describe, expect, it } from 'vitest';
import { measureAgent, MODEL_MS } from '../../bench/agent-loop.js';

// P6 for a model without tool calling: the chat's no-tools mode (one routing
// call, then plan, run, reflect) against a loop whose tool calls are written
// as text, one per model turn.

describe('P6 without tool calling', () => {
  it('the same tool calls on both sides; ours 3 model calls (route, plan, reflect), the loop one per step plus an answer', async () => {
    const figures = await measureAgent(1);
    for (const task of figures.tasks) {
      expect(task.planExecuteNoTools.toolCalls).toBe(task.steps);
      expect(task.toolLoopNoTools.toolCalls).toBe(task.steps);
      expect(task.planExecuteNoTools.modelCalls).toBe(3);
      expect(task.toolLoopNoTools.modelCalls).toBe(task.steps + 1);
      expect(task.toolLoopNoTools.ms).toBeGreaterThanOrEqual((task.steps + 1) * MODEL_MS);
      // The routing call costs one model call's time over the mode with tools.
      expect(task.planExecuteNoTools.ms).toBe(task.planExecute.ms + MODEL_MS);
    }
    console.log(`P6n: ${figures.noTools.speedup.toFixed(2)}× faster, ${figures.noTools.modelCallRatio.toFixed(2)}× fewer model calls (worst ${figures.noTools.minSpeedup.toFixed(2)}× / ${figures.noTools.minModelCallRatio.toFixed(2)}×)`);
    expect(figures.noTools.speedup).toBeGreaterThanOrEqual(2);
    expect(figures.noTools.modelCallRatio).toBeGreaterThanOrEqual(2);
  });
});
