import { buildGraph, criticalPathLengths, edgesOf } from '../src/planning/index.js';
import { lowerBound } from './lower-bound.js';
import { FAMILIES, MAX_PARALLEL_CHOICES, type BenchPlan, type Family } from './plan-families.js';
import { lookaheadMakespan } from './priority-lookahead.js';
import { Random } from './random.js';
import { benchPlans, runOurs } from './schedule-quality.js';
import { max, mean, median, min } from './stats.js';

/**
 * Which default ready-queue priority could bring P1 (makespan ÷ node-cut
 * bound, no hints) down? Replays the P1 plans under a list scheduler with the
 * executor's exact semantics (one completion at a time, the free slots filled
 * after each, ties by plan order) and a choice of priorities that use only what
 * a scheduler knows without durations: the graph's shape, plan order, which
 * steps are done or running and for how long. `checkAgainstExecutor` proves the
 * replay is the executor's schedule for the default priority.
 *
 * Run: `npm run build && node dist/bench/priority-study.js [--plans N] [--lookahead N [--samples S] [--family F ...]]`
 * (`--lookahead N [--samples S]`: also the first N plans of each family and
 * slot count under the Monte Carlo lookahead of priority-lookahead.ts, with S
 * sampled futures per choice (default 64); slow).
 */

/** A plan as the study replays it: edge lists, true durations (for the clock only), structural features. */
export type StudyPlan = {
  readonly family: Family;
  readonly maxParallel: number;
  readonly deps: readonly (readonly number[])[];
  readonly dependents: readonly (readonly number[])[];
  readonly ms: readonly number[];
  readonly cutBoundMs: number;
  /** Longest remaining chain in steps (the engine's default priority). */
  readonly cp: Float64Array;
  /** Number of transitive dependents. */
  readonly descendants: Float64Array;
  /** Number of direct dependents. */
  readonly successors: Float64Array;
  /** Longest chain of dependencies before the step. */
  readonly level: Float64Array;
};

/** What a dynamic priority may look at when a slot frees. */
export type ReplayView = {
  readonly plan: StudyPlan;
  readonly now: number;
  /** 0 pending, 1 ready, 2 running, 3 done. */
  readonly status: Int8Array;
  readonly startedAt: Float64Array;
  /** When each step became ready. */
  readonly readyAt: Float64Array;
  /** Unfinished dependencies per step. */
  readonly waitingOn: Int32Array;
};

/** Larger first, compared key by key; a full tie goes to plan order. */
export type Priority = (step: number, view: ReplayView) => readonly number[];

export type Heuristic = { readonly name: string; readonly priority: (plan: StudyPlan) => Priority };

export function studyPlan(bench: BenchPlan): StudyPlan {
  const graph = buildGraph(bench.plan.steps);
  const n = graph.ids.length;
  const deps = graph.ids.map((_, i) => Array.from(edgesOf(graph.depEdges, i)));
  const dependents = graph.ids.map((_, i) => Array.from(edgesOf(graph.dependentEdges, i)));
  const order = graph.order!;
  const words = Math.ceil(n / 32);
  const below = Array.from({ length: n }, () => new Uint32Array(words));
  const descendants = new Float64Array(n);
  const level = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    const i = order[k]!;
    for (const d of dependents[i]!) {
      for (let w = 0; w < words; w++) below[i]![w]! |= below[d]![w]!;
      below[i]![d >>> 5]! |= 1 << (d & 31);
    }
    for (const word of below[i]!) for (let x = word; x !== 0; x &= x - 1) descendants[i]!++;
  }
  for (const i of order) for (const d of deps[i]!) level[i] = Math.max(level[i]!, level[d]! + 1);
  const ms = graph.ids.map((id) => bench.durations.get(id)!);
  return {
    family: bench.family,
    maxParallel: bench.maxParallel,
    deps,
    dependents,
    ms,
    cutBoundMs: lowerBound(bench.plan, bench.durations, bench.maxParallel).cutBoundMs,
    cp: criticalPathLengths(graph),
    descendants,
    successors: Float64Array.from(dependents, (list) => list.length),
    level,
  };
}

/** Makespan of the plan under `priority`, in the plan's (virtual) milliseconds. */
export function replay(plan: StudyPlan, priority: Priority): number {
  const n = plan.ms.length;
  const view = { plan, now: 0, status: new Int8Array(n), startedAt: new Float64Array(n), readyAt: new Float64Array(n), waitingOn: Int32Array.from(plan.deps, (d) => d.length) };
  const ready: number[] = [];
  // Completions in (time, start order), as the virtual clock fires timers.
  const ends: { at: number; seq: number; step: number }[] = [];
  let seq = 0;
  let running = 0;
  const release = (i: number) => {
    view.status[i] = 1;
    view.readyAt[i] = view.now;
    ready.push(i);
  };
  const fill = () => {
    while (running < plan.maxParallel && ready.length > 0) {
      let best = 0;
      let bestKey = priority(ready[0]!, view);
      for (let k = 1; k < ready.length; k++) {
        const key = priority(ready[k]!, view);
        if (isBefore(key, ready[k]!, bestKey, ready[best]!)) [best, bestKey] = [k, key];
      }
      const i = ready.splice(best, 1)[0]!;
      view.status[i] = 2;
      view.startedAt[i] = view.now;
      running++;
      const end = { at: view.now + plan.ms[i]!, seq: seq++, step: i };
      let at = ends.length;
      ends.push(end);
      while (at > 0 && (ends[at - 1]!.at > end.at || (ends[at - 1]!.at === end.at && ends[at - 1]!.seq > end.seq))) ends[at] = ends[--at]!;
      ends[at] = end;
    }
  };
  for (let i = 0; i < n; i++) if (view.waitingOn[i] === 0) release(i);
  fill();
  for (let end = ends.shift(); end; end = ends.shift()) {
    view.now = end.at;
    view.status[end.step] = 3;
    running--;
    for (const d of plan.dependents[end.step]!) if (--view.waitingOn[d]! === 0) release(d);
    fill();
  }
  return view.now;
}

function isBefore(a: readonly number[], ai: number, b: readonly number[], bi: number): boolean {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! > b[k]!;
  return ai < bi;
}

/** A ready step's critical dependents (one step shorter chain) are held by other unfinished dependencies: how far off is the least held one? */
function heldBack(i: number, view: ReplayView, runningWeight: (q: number) => number): number {
  const { cp, deps, dependents } = view.plan;
  let least = Infinity;
  for (const d of dependents[i]!) {
    if (cp[d] !== cp[i]! - 1) continue;
    let held = 0;
    for (const q of deps[d]!) {
      if (q === i) continue;
      const status = view.status[q]!;
      held = Math.max(held, status === 0 ? 2 : status === 1 ? 1 : status === 2 ? runningWeight(q) : 0);
    }
    least = Math.min(least, held);
  }
  return least === Infinity ? 0 : least;
}

/** Dependents that start as soon as this step ends. */
function unlocks(i: number, view: ReplayView): number {
  let count = 0;
  for (const d of view.plan.dependents[i]!) if (view.waitingOn[d] === 1) count++;
  return count;
}

/** Expected remaining critical path when every step's duration is independent and log-uniform over `decades` (Monte Carlo, fixed seed). */
function stochasticCp(plan: StudyPlan, decades: number, samples: number): Float64Array {
  const n = plan.ms.length;
  const order = topologicalOrder(plan);
  const sum = new Float64Array(n);
  const length = new Float64Array(n);
  const rng = new Random(12345);
  for (let s = 0; s < samples; s++) {
    for (let k = n - 1; k >= 0; k--) {
      const i = order[k]!;
      let best = 0;
      for (const d of plan.dependents[i]!) best = Math.max(best, length[d]!);
      length[i] = 10 ** (decades * rng.next()) + best;
    }
    for (let i = 0; i < n; i++) sum[i]! += length[i]!;
  }
  return sum;
}

function topologicalOrder(plan: StudyPlan): number[] {
  const order = Array.from(plan.level.keys());
  return order.sort((a, b) => plan.level[a]! - plan.level[b]! || a - b);
}

const byKeys =
  (...keys: ((plan: StudyPlan) => ArrayLike<number>)[]) =>
  (plan: StudyPlan): Priority => {
    const arrays = keys.map((key) => key(plan));
    return (i) => arrays.map((a) => a[i]!);
  };

/** The priorities tried, the engine's default first. None reads a duration. */
export const HEURISTICS: readonly Heuristic[] = [
  { name: 'longest remaining chain in steps (default)', priority: byKeys((p) => p.cp) },
  { name: 'chain, then most descendants', priority: byKeys((p) => p.cp, (p) => p.descendants) },
  { name: 'chain, then most direct dependents', priority: byKeys((p) => p.cp, (p) => p.successors) },
  { name: 'chain, then fewest descendants', priority: byKeys((p) => p.cp, (p) => p.descendants.map((x) => -x)) },
  { name: 'most descendants, then chain', priority: byKeys((p) => p.descendants, (p) => p.cp) },
  { name: 'most direct dependents, then chain', priority: byKeys((p) => p.successors, (p) => p.cp) },
  { name: 'chain + 0.3 × descendants − 0.3 × dependents (best of a grid)', priority: byKeys((p) => p.cp.map((x, i) => x + 0.3 * p.descendants[i]! - 0.3 * p.successors[i]!)) },
  { name: 'chain + descendants ÷ slots', priority: byKeys((p) => p.cp.map((x, i) => x + p.descendants[i]! / p.maxParallel)) },
  { name: 'max(chain, (1 + descendants) ÷ slots), then descendants', priority: byKeys((p) => p.cp.map((x, i) => Math.max(x, (1 + p.descendants[i]!) / p.maxParallel)), (p) => p.descendants) },
  { name: 'chain, then unlocks most steps now (lookahead)', priority: () => (i, view) => [view.plan.cp[i]!, unlocks(i, view)] },
  { name: 'chain + unlocks ÷ 2 (lookahead)', priority: () => (i, view) => [view.plan.cp[i]! + unlocks(i, view) / 2] },
  { name: 'chain, then critical dependents least held back', priority: () => (i, view) => [view.plan.cp[i]!, -heldBack(i, view, () => 0.5)] },
  { name: 'chain − held back ÷ 2, running steps by time run', priority: () => (i, view) => [view.plan.cp[i]! - heldBack(i, view, (q) => Math.min(2, (view.now - view.startedAt[q]!) / 1000)) / 2] },
  { name: 'chain, then steps that were ready first (FIFO)', priority: () => (i, view) => [view.plan.cp[i]!, -view.readyAt[i]!] },
  { name: 'expected chain, 3-decade log-uniform steps (64 samples)', priority: byKeys((p) => stochasticCp(p, 3, 64)) },
  { name: 'expected chain, 1-decade log-uniform steps (64 samples)', priority: byKeys((p) => stochasticCp(p, 1, 64)) },
  { name: 'shallowest level first (breadth-first)', priority: byKeys((p) => p.level.map((x) => -x), (p) => p.cp) },
];

/** For scale: the true durations' critical path (what learned durations approach). */
export const WITH_TRUE_DURATIONS: Heuristic = {
  name: 'reference: remaining chain of true durations (hints)',
  priority: (plan) => {
    const order = topologicalOrder(plan);
    const length = new Float64Array(plan.ms.length);
    for (let k = order.length - 1; k >= 0; k--) {
      const i = order[k]!;
      let best = 0;
      for (const d of plan.dependents[i]!) best = Math.max(best, length[d]!);
      length[i] = plan.ms[i]! + best;
    }
    return (i) => [length[i]!];
  },
};

/** `keys` first, then a random tie-break instead of plan order; no keys at all is a random order. */
function randomTies(name: string, seed: number, ...keys: ((plan: StudyPlan) => ArrayLike<number>)[]): Heuristic {
  const rng = new Random(seed);
  return { name: `${name} (seed ${seed})`, priority: (plan) => byKeys(...keys, (p) => Float64Array.from(p.ms, () => rng.next()))(plan) };
}

/** The default chain priority with a random tie-break: the spread is the noise floor of any tie-break. */
export const randomTieBreak = (seed: number): Heuristic => randomTies('chain, random tie-break', seed, (p) => p.cp);

export type StudyRow = { readonly name: string; readonly mean: number; readonly worst: number; readonly byFamily: Readonly<Record<Family, number>> };

export function studyRow(plans: readonly StudyPlan[], heuristic: Heuristic): StudyRow {
  const ratios = plans.map((plan) => replay(plan, heuristic.priority(plan)) / plan.cutBoundMs);
  const byFamily = Object.fromEntries(FAMILIES.map((f) => [f, mean(ratios.filter((_, k) => plans[k]!.family === f))])) as Record<Family, number>;
  return { name: heuristic.name, mean: mean(ratios), worst: max(ratios), byFamily };
}

/** Plans whose replayed default schedule differs from the executor's makespan (must be none). */
export async function checkAgainstExecutor(benches: readonly BenchPlan[], plans: readonly StudyPlan[]): Promise<number[]> {
  const wrong: number[] = [];
  const cp = HEURISTICS[0]!;
  for (const [k, bench] of benches.entries()) if (replay(plans[k]!, cp.priority(plans[k]!)) !== (await runOurs(bench, false))) wrong.push(k);
  return wrong;
}

const SHORT: Record<Family, string> = { layered: 'layered', 'series-parallel': 'ser-par', 'staggered-chains': 'stagger', 'fan-out-fan-in': 'fan-out' };

function intFlag(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got \`${process.argv[at + 1]}\``);
  return value;
}

/** Default priority against the lookahead (without and with waiting) on the first `perGroup` plans of each family and slot count. */
function compareLookahead(plans: readonly StudyPlan[], perGroup: number, samples: number, families: readonly Family[]): void {
  console.log(`\nMonte Carlo lookahead (knows the duration distribution; ${samples} samples, best 3 by chain; "+ wait" may also leave slots empty), first ${perGroup} plans of each group:`);
  const all = { chain: [] as number[], lookahead: [] as number[], waiting: [] as number[] };
  for (const family of families) {
    for (const slots of MAX_PARALLEL_CHOICES) {
      const group = plans.filter((p) => p.family === family && p.maxParallel === slots).slice(0, perGroup);
      if (group.length === 0) continue;
      const chain = group.map((p) => replay(p, HEURISTICS[0]!.priority(p)) / p.cutBoundMs);
      const lookahead = group.map((p) => lookaheadMakespan(p, { samples }) / p.cutBoundMs);
      const waiting = group.map((p) => lookaheadMakespan(p, { samples, idle: true }) / p.cutBoundMs);
      all.chain.push(...chain);
      all.lookahead.push(...lookahead);
      all.waiting.push(...waiting);
      console.log(`  ${`${family}, ${slots} slots`.padEnd(28)} default ${mean(chain).toFixed(4)}  lookahead ${mean(lookahead).toFixed(4)}  + wait ${mean(waiting).toFixed(4)}`);
    }
  }
  console.log(`  ${'all'.padEnd(28)} default ${mean(all.chain).toFixed(4)}  lookahead ${mean(all.lookahead).toFixed(4)}  + wait ${mean(all.waiting).toFixed(4)}`);
}

/** `--family NAME` (repeatable): the lookahead's families, all by default. */
function familiesFlag(): Family[] {
  const names = process.argv.flatMap((arg, k) => (process.argv[k - 1] === '--family' ? [arg] : []));
  for (const name of names) if (!(FAMILIES as readonly string[]).includes(name)) throw new Error(`--family must be one of ${FAMILIES.join(', ')}, got \`${name}\``);
  return names.length > 0 ? (names as Family[]) : [...FAMILIES];
}

async function main(): Promise<void> {
  const count = intFlag('--plans', 1200);
  if (count < 1) throw new Error('--plans must be at least 1');
  // Every flag is read before the first replay, so a bad one fails at once rather than after the table.
  const perGroup = intFlag('--lookahead', 0);
  const samples = intFlag('--samples', 64);
  const families = familiesFlag();
  const benches = benchPlans(1, count);
  const plans = benches.map(studyPlan);
  const wrong = await checkAgainstExecutor(benches, plans);
  if (wrong.length > 0) throw new Error(`the replay differs from the executor on plans ${wrong.slice(0, 10).join(', ')}`);
  console.log(`${count} plans (seed 1); the replay matches the executor's makespan on every plan.\n`);
  const header = ['mean', 'worst', ...FAMILIES.map((f) => SHORT[f])].map((h) => h.padStart(8)).join(' ');
  console.log(`${'priority'.padEnd(60)} ${header}`);
  const show = (row: StudyRow) =>
    console.log(`${row.name.padEnd(60)} ${[row.mean, row.worst, ...FAMILIES.map((f) => row.byFamily[f])].map((x) => x.toFixed(4).padStart(8)).join(' ')}`);
  for (const heuristic of [...HEURISTICS, WITH_TRUE_DURATIONS]) show(studyRow(plans, heuristic));
  const seeds = Array.from({ length: 20 }, (_, s) => s + 1);
  const spread = (label: string, values: readonly number[]) =>
    `${label} from ${min(values).toFixed(4)} to ${max(values).toFixed(4)} (median ${median(values).toFixed(4)})`;
  const tieBreaks = seeds.map((seed) => studyRow(plans, randomTieBreak(seed)));
  const fanOutTies = tieBreaks.map((row) => row.byFamily['fan-out-fan-in']);
  console.log(`\nchain with 20 random tie-breaks: ${spread('mean', tieBreaks.map((row) => row.mean))}; ${spread('fan-out/fan-in', fanOutTies)}`);
  // In a fan-out/fan-in plan, ready steps with as many steps left are alike to a
  // scheduler that does not know durations, so its only choice is which chain
  // length goes first: longest, shortest, or any mix, bracketed by these three.
  const fanOut = plans.filter((p) => p.family === 'fan-out-fan-in');
  const shortest = seeds.map((seed) => studyRow(fanOut, randomTies('shortest chain first', seed, (p) => p.cp.map((x) => -x))).mean);
  const anyOrder = seeds.map((seed) => studyRow(fanOut, randomTies('random order', seed)).mean);
  console.log(`fan-out/fan-in, 20 random tie-breaks each: ${spread('shortest chain first', shortest)}; ${spread('random order', anyOrder)}`);
  if (perGroup > 0) compareLookahead(plans, perGroup, samples, families);
}

if (process.argv[1]?.endsWith('priority-study.js')) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
