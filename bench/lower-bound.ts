import { buildGraph, edgesOf, type Plan, type PlanGraph } from '../src/planning/index.js';

export type LowerBound = {
  /** Longest chain of durations: no schedule can beat it, whatever the slots. */
  readonly criticalPathMs: number;
  /** All the work spread perfectly over the slots. */
  readonly workPerSlotMs: number;
  /** max(critical path, work ÷ slots): the bound P1 is measured against. */
  readonly boundMs: number;
  /** A stronger bound that is still valid for every scheduler (see nodeCutBound); only for context. */
  readonly cutBoundMs: number;
};

/** max(critical path, total work ÷ maxParallel): a floor for the makespan of any scheduler. */
export function lowerBound(plan: Plan, durations: ReadonlyMap<string, number>, maxParallel: number): LowerBound {
  const graph = buildGraph(plan.steps);
  const order = graph.order;
  if (!order) throw new Error('lowerBound needs an acyclic plan');
  const ms = graph.ids.map((id) => durations.get(id)!);
  const finish = new Float64Array(ms.length);
  let criticalPathMs = 0;
  let workMs = 0;
  for (const i of order) {
    let start = 0;
    for (const dep of edgesOf(graph.depEdges, i)) if (finish[dep]! > start) start = finish[dep]!;
    finish[i] = start + ms[i]!;
    if (finish[i]! > criticalPathMs) criticalPathMs = finish[i]!;
    workMs += ms[i]!;
  }
  const workPerSlotMs = workMs / maxParallel;
  const boundMs = Math.max(criticalPathMs, workPerSlotMs);
  return { criticalPathMs, workPerSlotMs, boundMs, cutBoundMs: Math.max(boundMs, nodeCutBound(graph, ms, maxParallel)) };
}

/**
 * For every step v: all its ancestors must finish before it starts, and all
 * its descendants start after it ends, so any schedule on m slots takes at
 * least max(head(v), work(ancestors) ÷ m) + d(v) + max(tail(v), work(descendants) ÷ m).
 * Where a plan has joins (fan-in, stages) this is well above max(CP, W ÷ m),
 * which counts the work of all stages as if it could overlap. O(n² / 32): for
 * the bench's plans of at most 200 steps only.
 */
export function nodeCutBound(graph: PlanGraph, ms: readonly number[], slots: number): number {
  const order = graph.order!;
  const n = ms.length;
  const words = Math.ceil(n / 32);
  const ancestors = Array.from({ length: n }, () => new Uint32Array(words));
  const head = new Float64Array(n);
  const tail = new Float64Array(n);
  for (const i of order) {
    for (const d of edgesOf(graph.depEdges, i)) {
      head[i] = Math.max(head[i]!, head[d]! + ms[d]!);
      const mine = ancestors[i]!;
      const theirs = ancestors[d]!;
      for (let w = 0; w < words; w++) mine[w]! |= theirs[w]!;
      mine[d >>> 5]! |= 1 << (d & 31);
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    const i = order[k]!;
    for (const d of edgesOf(graph.dependentEdges, i)) tail[i] = Math.max(tail[i]!, tail[d]! + ms[d]!);
  }
  const ancestorWork = new Float64Array(n);
  const descendantWork = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if ((ancestors[i]![j >>> 5]! & (1 << (j & 31))) !== 0) {
        ancestorWork[i]! += ms[j]!;
        descendantWork[j]! += ms[i]!;
      }
    }
  }
  let best = 0;
  for (let i = 0; i < n; i++) {
    const before = Math.max(head[i]!, ancestorWork[i]! / slots);
    const after = Math.max(tail[i]!, descendantWork[i]! / slots);
    best = Math.max(best, before + ms[i]! + after);
  }
  return best;
}
