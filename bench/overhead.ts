import { Execution, type InvokeTool, type Plan } from '../src/planning/index.js';
import { runBare } from './bare-runner.js';
import { Random } from './random.js';
import { collectGarbage, median } from './stats.js';

export const OVERHEAD_SHAPES = ['wide', 'deep', 'random'] as const;
export type OverheadShape = (typeof OVERHEAD_SHAPES)[number];

/** Slots for the overhead runs: enough that the queue, not the tool, is what is exercised. */
const MAX_PARALLEL = 8;

/** Done at once: what is left is the engine's own cost per step. */
const noOp: InvokeTool = () => Promise.resolve(null);

/**
 * A plan of `n` no-op steps in its parsed form. wide: all independent; deep:
 * one chain; random: each step after 1–3 of the 1,000 steps before it.
 */
export function overheadPlan(shape: OverheadShape, n: number, seed: number): Plan {
  const rng = new Random(seed);
  const steps = Array.from({ length: n }, (_, i) => {
    let dependsOn: string[] = [];
    if (shape === 'deep' && i > 0) dependsOn = [`s${i - 1}`];
    if (shape === 'random' && i > 0) {
      const set = new Set<string>();
      for (let k = rng.int(1, Math.min(3, i)); k > 0; k--) set.add(`s${rng.int(Math.max(0, i - 1000), i - 1)}`);
      dependsOn = [...set];
    }
    return { id: `s${i}`, tool: 'noop', args: {}, dependsOn };
  });
  return { goal: `${shape} ${n}`, inputs: {}, maxParallel: MAX_PARALLEL, steps } as Plan;
}

/** Wall time of one run on the real clock, from `new Execution` (graph, priorities, state) to the resolved final state. */
export async function timeRun(plan: Plan): Promise<number> {
  collectGarbage();
  let events = 0;
  const started = performance.now();
  const execution = new Execution({ plan, runId: 'overhead', invokeTool: noOp, onEvent: () => void events++ });
  const state = await execution.start();
  const elapsed = performance.now() - started;
  if (state.status !== 'succeeded' || events !== 2 * plan.steps.length + 2) throw new Error(`overhead run ended ${state.status} after ${events} events`);
  return elapsed;
}

/** The same plan through the bare-bones runner: the yardstick. */
async function timeBare(plan: Plan): Promise<number> {
  collectGarbage();
  const started = performance.now();
  await runBare(plan, MAX_PARALLEL, noOp);
  return performance.now() - started;
}

type ShapeFigures = { usPerStep10k: number; usPerStep100k: number; ratio100kTo10k: number; bareUsPerStep100k: number; vsBare100k: number };

export type OverheadFigures = {
  /** The slowest shape's figures are the headline; every shape is listed. */
  readonly usPerStep10k: number;
  readonly usPerStep100k: number;
  /** time(100k) ÷ time(10k) of the slowest-scaling shape; 10 is linear. */
  readonly ratio100kTo10k: number;
  /** ours ÷ the bare-bones runner at 100k steps, slowest shape: the cost of the engine's features. */
  readonly vsBare100k: number;
  readonly shapes: Readonly<Record<OverheadShape, ShapeFigures>>;
};

export async function measureOverhead(seed: number, quick: boolean): Promise<OverheadFigures> {
  // Warm-up: JIT, not measured.
  for (const shape of OVERHEAD_SHAPES) {
    await timeRun(overheadPlan(shape, 10_000, seed));
    await timeBare(overheadPlan(shape, 10_000, seed));
  }
  const shapes = {} as Record<OverheadShape, ShapeFigures>;
  for (const shape of OVERHEAD_SHAPES) {
    const small = overheadPlan(shape, 10_000, seed);
    const big = overheadPlan(shape, 100_000, seed);
    const t10k: number[] = [];
    const t100k: number[] = [];
    const bare100k: number[] = [];
    // Sizes and the yardstick interleaved round by round, so load on the machine falls on all alike.
    for (let round = 0; round < (quick ? 2 : 4); round++) {
      for (let k = 0; k < 3; k++) t10k.push(await timeRun(small));
      t100k.push(await timeRun(big));
      bare100k.push(await timeBare(big));
    }
    const ms10k = median(t10k);
    const ms100k = median(t100k);
    const msBare = median(bare100k);
    shapes[shape] = {
      usPerStep10k: (ms10k * 1000) / 10_000,
      usPerStep100k: (ms100k * 1000) / 100_000,
      ratio100kTo10k: ms100k / ms10k,
      bareUsPerStep100k: (msBare * 1000) / 100_000,
      vsBare100k: ms100k / msBare,
    };
  }
  const all = Object.values(shapes);
  return {
    usPerStep10k: Math.max(...all.map((s) => s.usPerStep10k)),
    usPerStep100k: Math.max(...all.map((s) => s.usPerStep100k)),
    ratio100kTo10k: Math.max(...all.map((s) => s.ratio100kTo10k)),
    vsBare100k: Math.max(...all.map((s) => s.vsBare100k)),
    shapes,
  };
}
