import { buildGraph, criticalPathLengths, depthLevels, type InvokeTool, type Plan } from '../src/planning/index.js';

export type BarrierMode =
  /** Within a level a freed slot takes the next step at once; levels are barriers (LangGraph-style supersteps). */
  | 'pool'
  /** Within a level steps run in batches of maxParallel, each batch waiting for its slowest step. */
  | 'waves';

/**
 * The design ksa replaces, kept only as a baseline: all steps of depth d run,
 * at most maxParallel at a time, and depth d+1 starts only when every step
 * of depth d is done. Within a level the same priority as the real executor
 * (remaining critical path, then plan order), so the barrier is the only difference.
 */
export async function runWithBarriers(plan: Plan, maxParallel: number, invokeTool: InvokeTool, mode: BarrierMode = 'pool'): Promise<void> {
  const graph = buildGraph(plan.steps);
  const priority = criticalPathLengths(graph);
  const signal = new AbortController().signal;
  const run = (i: number) =>
    invokeTool({ tool: 'sim', args: {}, stepId: graph.ids[i]!, attempt: 1, phase: 'run', signal, onOutput: () => {} });

  for (const level of depthLevels(graph)) {
    const queue = [...level].sort((a, b) => priority[b]! - priority[a]! || a - b);
    if (mode === 'waves') {
      for (let k = 0; k < queue.length; k += maxParallel) await Promise.all(queue.slice(k, k + maxParallel).map(run));
      continue;
    }
    let next = 0;
    const worker = async () => {
      while (next < queue.length) await run(queue[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(maxParallel, queue.length) }, worker));
  }
}
