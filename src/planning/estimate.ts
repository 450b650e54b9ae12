import { buildGraph, criticalPathLengths, type PlanGraph } from './graph.js';
import { DEFAULT_MAX_PARALLEL } from './limits.js';
import type { Plan } from './schema.js';
import type { StepStatus } from './state.js';

/**
 * Learned step durations and what they say about a run in progress: each
 * step's expected duration, the run's time left (the critical path of what
 * remains, or its work over the slots), and steps that run far longer than usual. Pure: the samples come
 * from the store, the time from the caller.
 */

/** Samples a step needs before its estimate is a single value rather than a range. */
export const SAMPLES_FOR_POINT_ESTIMATE = 3;
/** A running step is "slower than usual" past this multiple of its median. */
export const SLOWER_THAN_USUAL = 3;

export type DurationStats = {
  /** Median of the recent durations, the step's weight. */
  readonly medianMs: number;
  /** The range to expect: equal to the median once there are enough samples. */
  readonly lowMs: number;
  readonly highMs: number;
  readonly samples: number;
};

/** Where a step is, as far as the estimate cares (a RunView's step or a stored step state). */
export type StepProgress = { readonly status: StepStatus | 'retrying'; readonly startedAtMs?: number };

export type RunEstimate = {
  /** Time left if every step takes its low / high expected time. */
  readonly lowMs: number;
  readonly highMs: number;
  /** Steps still to finish that have no history (counted as taking no time). */
  readonly untimedSteps: number;
  /**
   * Running steps already past the longest they usually take: what is left of them is not known (counted as no
   * time), so the time left is at least the figure, not "about 0ms".
   */
  readonly longerThanUsual: readonly string[];
};

/** Median and range of recent durations (most recent last); undefined without samples. */
export function durationStats(samples: readonly number[]): DurationStats | undefined {
  const valid = samples.filter((ms) => Number.isFinite(ms) && ms >= 0);
  if (valid.length === 0) return undefined;
  const sorted = [...valid].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianMs = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  if (sorted.length >= SAMPLES_FOR_POINT_ESTIMATE) return { medianMs, lowMs: medianMs, highMs: medianMs, samples: sorted.length };
  // Thin history: one or two earlier runs say little, so the range is wide.
  return { medianMs, lowMs: Math.min(sorted[0]!, medianMs * 0.7), highMs: Math.max(sorted.at(-1)!, medianMs * 1.5), samples: sorted.length };
}

/**
 * The executor's weight for each step (critical-path priority): its median,
 * and for a step without history the median of the plan's timed steps.
 * Undefined when no step has history: the scheduler then counts steps.
 */
export function stepWeights(plan: Plan, stats: ReadonlyMap<string, DurationStats>): ((stepId: string) => number) | undefined {
  const medians = plan.steps.map((step) => stats.get(step.id)?.medianMs).filter((ms): ms is number => ms !== undefined);
  if (medians.length === 0) return undefined;
  const fallback = durationStats(medians)!.medianMs;
  // A zero weight would make a step look free; a microsecond keeps chains ordered.
  return (id) => Math.max(stats.get(id)?.medianMs ?? fallback, 0.001);
}

const graphs = new WeakMap<Plan, PlanGraph>();

function graphOf(plan: Plan): PlanGraph {
  let graph = graphs.get(plan);
  if (!graph) graphs.set(plan, (graph = buildGraph(plan.steps)));
  return graph;
}

const FINISHED: ReadonlySet<string> = new Set(['succeeded', 'failed', 'skipped', 'cancelled', 'rolled_back']);

/**
 * Time left: the longest chain of remaining expected durations (a running
 * step counts what is left of its expected time), or, when the steps left
 * are more than `maxParallel` slots can run side by side, their expected work
 * shared out over the slots, whichever is longer. Undefined when no step
 * still to finish has history, or the plan has a cycle.
 */
export function estimateRemaining(
  plan: Plan,
  progress: (stepId: string) => StepProgress | undefined,
  stats: ReadonlyMap<string, DurationStats>,
  now: number,
  maxParallel = plan.maxParallel ?? DEFAULT_MAX_PARALLEL,
): RunEstimate | undefined {
  const graph = graphOf(plan);
  if (!graph.order) return undefined;
  const n = graph.ids.length;
  const low = new Float64Array(n);
  const high = new Float64Array(n);
  let untimed = 0;
  let timed = 0;
  const longerThanUsual: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = graph.ids[i]!;
    const step = progress(id);
    const status = step?.status ?? 'pending';
    if (FINISHED.has(status)) continue;
    const expected = stats.get(id);
    if (!expected) {
      untimed++;
      continue;
    }
    timed++;
    const elapsed = status === 'running' && step?.startedAtMs !== undefined ? Math.max(0, now - step.startedAtMs) : 0;
    low[i] = Math.max(expected.lowMs - elapsed, 0);
    high[i] = Math.max(expected.highMs - elapsed, 0);
    if (status === 'running' && elapsed > expected.highMs) longerThanUsual.push(id);
  }
  if (timed === 0) return undefined;
  const slots = Math.max(1, maxParallel);
  return {
    lowMs: Math.max(longest(criticalPathLengths(graph, (i) => low[i]!)), sum(low) / slots),
    highMs: Math.max(longest(criticalPathLengths(graph, (i) => high[i]!)), sum(high) / slots),
    untimedSteps: untimed,
    longerThanUsual,
  };
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

function longest(lengths: Float64Array): number {
  let best = 0;
  for (const length of lengths) if (length > best) best = length;
  return best;
}

/** True when a running step has taken SLOWER_THAN_USUAL times its median or more. */
export function isSlowerThanUsual(stats: DurationStats | undefined, elapsedMs: number): boolean {
  return stats !== undefined && stats.medianMs > 0 && elapsedMs >= SLOWER_THAN_USUAL * stats.medianMs;
}
