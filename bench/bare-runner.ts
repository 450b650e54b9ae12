import type { InvokeTool, Plan } from '../src/planning/index.js';

/**
 * The least a DAG runner can do, as a yardstick for P3: in-degree counters,
 * a FIFO of ready steps, at most `maxParallel` calls in flight, one promise
 * per call. No priorities, events, state, timeouts, retries or cancellation.
 * What the real executor costs beyond this is what its features cost.
 */
export function runBare(plan: Plan, maxParallel: number, invokeTool: InvokeTool): Promise<void> {
  const steps = plan.steps;
  const n = steps.length;
  const indexOf = new Map<string, number>();
  steps.forEach((step, i) => indexOf.set(step.id, i));
  const remaining = new Int32Array(n);
  const dependents: number[][] = Array.from({ length: n }, () => []);
  steps.forEach((step, i) => {
    remaining[i] = step.dependsOn.length;
    for (const dep of step.dependsOn) dependents[indexOf.get(dep)!]!.push(i);
  });
  const ready: number[] = [];
  for (let i = 0; i < n; i++) if (remaining[i] === 0) ready.push(i);
  const signal = new AbortController().signal;
  let head = 0;
  let running = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    const pump = () => {
      while (running < maxParallel && head < ready.length) {
        const i = ready[head++]!;
        running++;
        invokeTool({ tool: 'noop', args: {}, stepId: steps[i]!.id, attempt: 1, phase: 'run', signal, onOutput: () => {} }).then(() => {
          running--;
          done++;
          for (const next of dependents[i]!) if (--remaining[next]! === 0) ready.push(next);
          if (done === n) resolve();
          else pump();
        }, reject);
      }
    };
    pump();
  });
}
