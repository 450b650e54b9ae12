import type { Plan } from '../src/planning/index.js';
import type { Random } from './random.js';

/**
 * The random plans of P1/P2. Each family stresses the scheduler differently:
 * layered DAGs (uneven layers, skip edges), series-parallel compositions,
 * staggered chains (where a barrier hurts most) and fan-out/fan-in stages
 * (a build, many tests, a join).
 */

export const FAMILIES = ['layered', 'series-parallel', 'staggered-chains', 'fan-out-fan-in'] as const;
export type Family = (typeof FAMILIES)[number];

export const MAX_PARALLEL_CHOICES = [2, 4, 8] as const;

/** Step durations: log-uniform, so a 10–100 ms step is as likely as a 1–10 s one. */
export const MIN_DURATION_MS = 10;
export const MAX_DURATION_MS = 10_000;

export type BenchPlan = {
  readonly family: Family;
  readonly plan: Plan;
  readonly maxParallel: number;
  /** Virtual milliseconds each step takes, by step id. */
  readonly durations: ReadonlyMap<string, number>;
};

/** Dependencies by creation index; a step only depends on steps created before it. */
type Shape = number[][];

export function generatePlan(rng: Random, family: Family, maxParallel: number, steps: number): BenchPlan {
  const shape = SHAPES[family](rng, steps);
  // Plan order is shuffled: ties in priority are broken by plan order, and the
  // generator's (topological) order must not give either scheduler a free hint.
  const position = shuffledPositions(rng, shape.length);
  const id = (k: number) => `s${position[k]}`;
  const ordered = new Array<Plan['steps'][number]>(shape.length);
  const durations = new Map<string, number>();
  shape.forEach((deps, k) => {
    ordered[position[k]!] = { id: id(k), tool: 'sim', args: {}, dependsOn: deps.map(id) };
    durations.set(id(k), Math.round(rng.logUniform(MIN_DURATION_MS, MAX_DURATION_MS)));
  });
  // Built in parsed form: zod parsing is not what P1/P2 measure (P4 does).
  const plan = { goal: `${family} (${steps} steps)`, inputs: {}, maxParallel, steps: ordered } as Plan;
  return { family, plan, maxParallel, durations };
}

function shuffledPositions(rng: Random, n: number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** `n` split into `parts` positive sizes at random cut points. */
function split(rng: Random, n: number, parts: number): number[] {
  const cuts = new Set<number>();
  while (cuts.size < parts - 1) cuts.add(rng.int(1, n - 1));
  const sorted = [...cuts].sort((a, b) => a - b);
  const sizes: number[] = [];
  let last = 0;
  for (const cut of [...sorted, n]) {
    sizes.push(cut - last);
    last = cut;
  }
  return sizes;
}

function sample<T>(rng: Random, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length > 0) out.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]!);
  return out;
}

function layered(rng: Random, n: number): Shape {
  const layerCount = rng.int(2, Math.max(2, Math.min(n, Math.round(1.5 * Math.sqrt(n)))));
  const shape: Shape = [];
  const layers: number[][] = [];
  for (const size of split(rng, n, layerCount)) {
    const layer: number[] = [];
    const previous = layers.at(-1);
    for (let k = 0; k < size; k++) {
      const deps = previous ? sample(rng, previous, rng.int(1, Math.min(3, previous.length))) : [];
      // Now and then an edge that skips layers, as real plans have.
      if (layers.length > 1 && rng.chance(0.2)) {
        const earlier = rng.pick(layers.slice(0, -1));
        const extra = rng.pick(earlier);
        if (!deps.includes(extra)) deps.push(extra);
      }
      layer.push(shape.length);
      shape.push(deps);
    }
    layers.push(layer);
  }
  return shape;
}

function seriesParallel(rng: Random, n: number): Shape {
  const shape: Shape = [];
  const build = (count: number): { sources: number[]; sinks: number[] } => {
    if (count === 1) {
      shape.push([]);
      return { sources: [shape.length - 1], sinks: [shape.length - 1] };
    }
    const parts = split(rng, count, rng.int(2, Math.min(4, count)));
    if (rng.chance(0.5)) {
      let first: { sources: number[] } | undefined;
      let sinks: number[] = [];
      for (const size of parts) {
        const part = build(size);
        for (const source of part.sources) shape[source]!.push(...sinks);
        first ??= part;
        sinks = part.sinks;
      }
      return { sources: first!.sources, sinks };
    }
    const sources: number[] = [];
    const sinks: number[] = [];
    for (const size of parts) {
      const part = build(size);
      sources.push(...part.sources);
      sinks.push(...part.sinks);
    }
    return { sources, sinks };
  };
  build(n);
  return shape;
}

function staggeredChains(rng: Random, n: number): Shape {
  const join = rng.chance(0.5);
  const chainCount = rng.int(2, Math.max(2, Math.min(12, Math.floor(n / 3))));
  const shape: Shape = [];
  const chains: number[][] = [];
  for (const length of split(rng, n - (join ? 1 : 0), chainCount)) {
    const previous = chains.at(-1);
    const chain: number[] = [];
    for (let k = 0; k < length; k++) {
      // A chain starts part-way down the one before it.
      const deps = k > 0 ? [chain[k - 1]!] : previous ? [rng.pick(previous)] : [];
      chain.push(shape.length);
      shape.push(deps);
    }
    chains.push(chain);
  }
  if (join) shape.push(chains.map((chain) => chain.at(-1)!));
  return shape;
}

function fanOutFanIn(rng: Random, n: number): Shape {
  const stageCount = rng.int(1, Math.max(1, Math.min(4, Math.floor(n / 5))));
  const shape: Shape = [];
  let before: number | undefined;
  for (const size of split(rng, n, stageCount)) {
    // hub -> branches (chains of 1–3) -> join; a stage of 1 or 2 is just a hub (and a join).
    const hub = shape.length;
    shape.push(before === undefined ? [] : [before]);
    let left = size - 1;
    if (left === 0) {
      before = hub;
      continue;
    }
    const withJoin = left >= 2;
    if (withJoin) left--;
    const tails: number[] = [];
    while (left > 0) {
      let tail = hub;
      for (let k = rng.int(1, Math.min(3, left)); k > 0; k--, left--) {
        shape.push([tail]);
        tail = shape.length - 1;
      }
      tails.push(tail);
    }
    if (withJoin) {
      shape.push(tails);
      before = shape.length - 1;
    } else {
      before = tails[0];
    }
  }
  return shape;
}

const SHAPES: Record<Family, (rng: Random, n: number) => Shape> = {
  layered,
  'series-parallel': seriesParallel,
  'staggered-chains': staggeredChains,
  'fan-out-fan-in': fanOutFanIn,
};
