import { Execution, type InvokeTool } from '../src/planning/index.js';
import { overheadPlan } from './overhead.js';
import { collectGarbage, hasGc } from './stats.js';

export type MemoryFigures = {
  /** Live heap the run holds at its end (state of every step, graph, compiled steps), per step. */
  readonly bytesPerStep: number;
  /** Highest heap seen during the run (garbage included, so an upper bound), per step. */
  readonly peakBytesPerStep: number;
  /** The parsed plan itself, which the caller holds anyway, per step. */
  readonly planBytesPerStep: number;
  /** Steps in the final state: read after the measurement, which keeps the run alive through it. */
  readonly stepsHeld: number;
  /** False without --expose-gc: then the figures include garbage and are rough. */
  readonly exact: boolean;
};

const noOp: InvokeTool = () => Promise.resolve(null);

function heapUsed(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Heap of a 100k-step run (random DAG, no-op tools): measured before, during and after. */
export async function measureMemory(seed: number, n = 100_000): Promise<MemoryFigures> {
  const empty = heapUsed();
  const plan = overheadPlan('random', n, seed);
  const before = heapUsed();
  let peak = before;
  let events = 0;
  const execution = new Execution({
    plan,
    runId: 'memory',
    invokeTool: noOp,
    onEvent: () => {
      // Sampled: reading the heap on every event would cost more than the run.
      if (++events % 2_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    },
  });
  const state = await execution.start();
  const after = heapUsed();
  if (state.status !== 'succeeded') throw new Error(`memory run ended ${state.status}`);
  return {
    stepsHeld: Object.keys(execution.state.steps).length,
    bytesPerStep: (after - before) / n,
    peakBytesPerStep: (Math.max(peak, after) - before) / n,
    planBytesPerStep: (before - empty) / n,
    exact: hasGc(),
  };
}
