import { durationStats, Execution, stepWeights, VirtualClock, type DurationStats, type Plan } from '../src/planning/index.js';
import { runWithBarriers, type BarrierMode } from './barrier-scheduler.js';
import { lowerBound } from './lower-bound.js';
import { FAMILIES, generatePlan, MAX_PARALLEL_CHOICES, type BenchPlan, type Family } from './plan-families.js';
import { Random } from './random.js';
import { simulatedTool } from './sim-tools.js';
import { max, mean, quantile } from './stats.js';

/** Far beyond any generated plan (200 steps × 10 s); only there so a hang cannot loop forever. */
const MAX_VIRTUAL_MS = 24 * 3_600_000;

export type PlanOutcome = {
  readonly index: number;
  readonly family: Family;
  readonly maxParallel: number;
  readonly steps: number;
  readonly boundMs: number;
  readonly cutBoundMs: number;
  readonly oursMs: number;
  readonly hintedMs: number;
  /** With durations learned from one earlier run (each ±30 %), weighed as ksa weighs them. */
  readonly learnedMs: number;
  readonly barrierMs: number;
  readonly wavesMs: number;
};

export type Summary = { readonly mean: number; readonly p95: number; readonly worst: number };

/** P1 and P2 of a subset of the plans; `boundGapMean` is the mean node-cut bound ÷ lower bound there. */
export type Breakdown = { readonly p1Mean: number; readonly p1Worst: number; readonly boundGapMean: number; readonly p2Mean: number };

export type ScheduleQuality = {
  readonly plans: number;
  readonly steps: number;
  readonly wallMs: number;
  /** ours ÷ lower bound, default priority (what a user gets). */
  readonly p1: Summary & { readonly worstPlan: PlanOutcome };
  /** ours ÷ lower bound when the engine is told each step's duration (stepWeight), as a store of earlier runs could. */
  readonly p1h: Summary;
  /** ours ÷ the stronger node-cut bound: how far the default is from what any scheduler could reach. */
  readonly p1c: Summary & { readonly worstPlan: PlanOutcome };
  /** ours ÷ node-cut bound with learned durations: one earlier run of each plan, each duration ±30 %. */
  readonly p1l: Summary & { readonly worstPlan: PlanOutcome };
  /** the same with the true durations as weights (the best hints can do). */
  readonly p1hc: Summary;
  /** node-cut bound ÷ lower bound: the part of P1 that no scheduler can remove. */
  readonly boundGap: Summary;
  /** barrier (pool within a level) ÷ ours. */
  readonly p2: Summary & { readonly min: number };
  /** barrier (strict waves within a level) ÷ ours. */
  readonly p2w: Summary;
  readonly byFamily: Readonly<Record<Family, Breakdown>>;
  readonly byMaxParallel: Readonly<Record<string, Breakdown>>;
};

/** The n-th plan of a seed; every plan has its own generator so `--plans` does not change the others. */
export function benchPlans(seed: number, count: number): BenchPlan[] {
  const master = new Random(seed);
  return Array.from({ length: count }, (_, index) => {
    const rng = master.fork();
    const family = FAMILIES[index % FAMILIES.length]!;
    const maxParallel = MAX_PARALLEL_CHOICES[Math.floor(index / FAMILIES.length) % MAX_PARALLEL_CHOICES.length]!;
    return generatePlan(rng, family, maxParallel, rng.int(10, 200));
  });
}

/** What ksa would have learned from one earlier run of the plan: each step's duration off by up to ±30 %. */
export function learnedOnce(bench: BenchPlan, rng: Random): Map<string, DurationStats> {
  const stats = new Map<string, DurationStats>();
  for (const step of bench.plan.steps) stats.set(step.id, durationStats([bench.durations.get(step.id)! * (0.7 + 0.6 * rng.next())])!);
  return stats;
}

/** Makespan of the real executor under simulated time; `hinted` true = the true durations as weights, a map = learned ones. */
export async function runOurs(bench: BenchPlan, hinted: boolean | ReadonlyMap<string, DurationStats>): Promise<number> {
  const learned = typeof hinted === 'object' ? stepWeights(bench.plan, hinted) : undefined;
  const clock = new VirtualClock();
  const execution = new Execution({
    plan: bench.plan,
    runId: 'bench',
    clock,
    maxParallel: bench.maxParallel,
    invokeTool: simulatedTool(clock, bench.durations),
    random: () => 0,
    ...(hinted === true ? { stepWeight: (step: Plan['steps'][number]) => bench.durations.get(step.id)! } : {}),
    ...(learned ? { stepWeight: (step: Plan['steps'][number]) => learned(step.id) } : {}),
  });
  const state = await clock.run(execution.start(), { maxTimeMs: MAX_VIRTUAL_MS });
  if (state.status !== 'succeeded') throw new Error(`bench plan ended ${state.status}: ${state.error}`);
  return clock.elapsed;
}

export async function runBarrier(bench: BenchPlan, mode: BarrierMode): Promise<number> {
  const clock = new VirtualClock();
  await clock.run(runWithBarriers(bench.plan, bench.maxParallel, simulatedTool(clock, bench.durations), mode), { maxTimeMs: MAX_VIRTUAL_MS });
  return clock.elapsed;
}

export async function measureScheduleQuality(seed: number, count: number): Promise<ScheduleQuality> {
  const started = performance.now();
  const plans = benchPlans(seed, count);
  // The noise of the "earlier run" has its own generator: the plans stay those of the seed.
  const noise = new Random(seed ^ 0x5eed);
  const outcomes: PlanOutcome[] = [];
  for (const [index, bench] of plans.entries()) {
    const bound = lowerBound(bench.plan, bench.durations, bench.maxParallel);
    outcomes.push({
      index,
      family: bench.family,
      maxParallel: bench.maxParallel,
      steps: bench.plan.steps.length,
      boundMs: bound.boundMs,
      cutBoundMs: bound.cutBoundMs,
      oursMs: await runOurs(bench, false),
      hintedMs: await runOurs(bench, true),
      learnedMs: await runOurs(bench, learnedOnce(bench, noise.fork())),
      barrierMs: await runBarrier(bench, 'pool'),
      wavesMs: await runBarrier(bench, 'waves'),
    });
  }
  const p1 = outcomes.map((o) => o.oursMs / o.boundMs);
  const p2 = outcomes.map((o) => o.barrierMs / o.oursMs);
  const worstIndex = p1.indexOf(max(p1));
  const group = <K extends string>(key: (o: PlanOutcome) => K) => {
    const out = {} as Record<K, Breakdown>;
    for (const k of new Set(outcomes.map(key))) {
      const members = outcomes.filter((o) => key(o) === k);
      const r1 = members.map((o) => o.oursMs / o.boundMs);
      out[k] = {
        p1Mean: mean(r1),
        p1Worst: max(r1),
        boundGapMean: mean(members.map((o) => o.cutBoundMs / o.boundMs)),
        p2Mean: mean(members.map((o) => o.barrierMs / o.oursMs)),
      };
    }
    return out;
  };
  return {
    plans: outcomes.length,
    steps: outcomes.reduce((sum, o) => sum + o.steps, 0),
    wallMs: performance.now() - started,
    p1: { ...summarize(p1), worstPlan: outcomes[worstIndex]! },
    p1h: summarize(outcomes.map((o) => o.hintedMs / o.boundMs)),
    p1c: worstOf(outcomes, (o) => o.oursMs / o.cutBoundMs),
    p1l: worstOf(outcomes, (o) => o.learnedMs / o.cutBoundMs),
    p1hc: summarize(outcomes.map((o) => o.hintedMs / o.cutBoundMs)),
    boundGap: summarize(outcomes.map((o) => o.cutBoundMs / o.boundMs)),
    p2: { ...summarize(p2), min: Math.min(...p2) },
    p2w: summarize(outcomes.map((o) => o.wavesMs / o.oursMs)),
    byFamily: group((o) => o.family),
    byMaxParallel: group((o) => String(o.maxParallel)),
  };
}

function summarize(values: readonly number[]): Summary {
  return { mean: mean(values), p95: quantile(values, 0.95), worst: max(values) };
}

function worstOf(outcomes: readonly PlanOutcome[], ratio: (o: PlanOutcome) => number): Summary & { readonly worstPlan: PlanOutcome } {
  const values = outcomes.map(ratio);
  return { ...summarize(values), worstPlan: outcomes[values.indexOf(max(values))]! };
}
