/**
 * The plan as a graph over step indices. Everything here is O(V + E) so a
 * 100k-step plan is checked and scheduled in milliseconds.
 */

export type GraphNode = { readonly id: string; readonly dependsOn: readonly string[] };

export type PlanGraph = {
  readonly ids: readonly string[];
  readonly indexOf: ReadonlyMap<string, number>;
  /** Direct dependencies per step (unknown ids and self-edges dropped; duplicates kept once). */
  readonly deps: readonly (readonly number[])[];
  /** Direct dependents per step. */
  readonly dependents: readonly (readonly number[])[];
  /** A topological order, or null when the graph has a cycle. */
  readonly order: readonly number[] | null;
  /** Cycles as id paths that start and end with the same id, e.g. [a, b, a]. */
  readonly cycles: readonly string[][];
};

export function buildGraph(nodes: readonly GraphNode[]): PlanGraph {
  const n = nodes.length;
  const ids = nodes.map((node) => node.id);
  const indexOf = new Map<string, number>();
  for (let i = 0; i < n; i++) if (!indexOf.has(ids[i]!)) indexOf.set(ids[i]!, i);

  const deps: number[][] = new Array(n);
  const dependents: number[][] = Array.from({ length: n }, () => []);
  // Marks which step last added each dependency, so duplicates drop out in O(1).
  const addedBy = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const list: number[] = [];
    for (const depId of nodes[i]!.dependsOn) {
      const d = indexOf.get(depId);
      if (d === undefined || d === i || addedBy[d] === i) continue;
      addedBy[d] = i;
      list.push(d);
      dependents[d]!.push(i);
    }
    deps[i] = list;
  }

  const order = topologicalOrder(deps, dependents);
  const cycles = order ? [] : findCycles(ids, deps, dependents);
  return { ids, indexOf, deps, dependents, order, cycles };
}

/** Kahn's algorithm; ties broken by plan order so results are stable. */
function topologicalOrder(deps: readonly (readonly number[])[], dependents: readonly (readonly number[])[]): number[] | null {
  const n = deps.length;
  const indegree = new Int32Array(n);
  for (let i = 0; i < n; i++) indegree[i] = deps[i]!.length;
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (indegree[i] === 0) order.push(i);
  for (let head = 0; head < order.length; head++) {
    for (const next of dependents[order[head]!]!) {
      if (--indegree[next]! === 0) order.push(next);
    }
  }
  return order.length === n ? order : null;
}

/** Iterative DFS over the nodes Kahn could not order; one cycle per back edge found, at most `limit`. */
function findCycles(
  ids: readonly string[],
  deps: readonly (readonly number[])[],
  dependents: readonly (readonly number[])[],
  limit = 10,
): string[][] {
  const n = ids.length;
  // Nodes outside every cycle and not downstream of one are removed first.
  const indegree = new Int32Array(n);
  for (let i = 0; i < n; i++) indegree[i] = deps[i]!.length;
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indegree[i] === 0) queue.push(i);
  const removed = new Uint8Array(n);
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    removed[node] = 1;
    for (const next of dependents[node]!) if (--indegree[next]! === 0) queue.push(next);
  }

  const WHITE = 0, GREY = 1, BLACK = 2;
  const color = new Uint8Array(n);
  const cycles: string[][] = [];
  const inCycle = new Uint8Array(n);
  for (let start = 0; start < n && cycles.length < limit; start++) {
    if (removed[start] || color[start] !== WHITE) continue;
    const stack: number[] = [start];
    const edge: number[] = [0];
    color[start] = GREY;
    while (stack.length > 0 && cycles.length < limit) {
      const top = stack.length - 1;
      const node = stack[top]!;
      const list = deps[node]!;
      if (edge[top]! < list.length) {
        const next = list[edge[top]!++]!;
        if (removed[next]) continue;
        if (color[next] === GREY) {
          const from = stack.indexOf(next);
          const path = stack.slice(from);
          if (!path.some((i) => inCycle[i])) {
            for (const i of path) inCycle[i] = 1;
            // Read as "a depends on b depends on ... depends on a".
            const ordered = path.map((i) => ids[i]!);
            cycles.push([...ordered, ordered[0]!]);
          }
        } else if (color[next] === WHITE) {
          color[next] = GREY;
          stack.push(next);
          edge.push(0);
        }
      } else {
        color[node] = BLACK;
        stack.pop();
        edge.pop();
      }
    }
  }
  return cycles;
}

/**
 * Remaining critical path per step: its own weight plus the heaviest chain of
 * dependents after it. The scheduler starts the ready step with the largest value.
 */
export function criticalPathLengths(graph: PlanGraph, weight: (index: number) => number = () => 1): Float64Array {
  const n = graph.ids.length;
  const lengths = new Float64Array(n);
  const order = graph.order;
  if (!order) throw new Error('criticalPathLengths needs an acyclic graph');
  for (let k = n - 1; k >= 0; k--) {
    const i = order[k]!;
    let best = 0;
    for (const next of graph.dependents[i]!) if (lengths[next]! > best) best = lengths[next]!;
    lengths[i] = weight(i) + best;
  }
  return lengths;
}

/** Memory the ancestor check may spend on cached descendant sets before it falls back to searching. */
const DESCENDANT_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Whether `ancestor` is a transitive dependency of `step`. The first question
 * about an ancestor computes all its descendants once (a bitset), so checking
 * every reference of a 100k-step plan stays linear; past a memory cap it
 * searches backwards instead.
 */
export function createAncestorCheck(graph: PlanGraph): (step: number, ancestor: number) => boolean {
  const n = graph.ids.length;
  const words = Math.ceil(n / 32);
  const cache = new Map<number, Uint32Array>();
  let cachedBytes = 0;
  const seen = new Uint32Array(n);
  let stamp = 0;
  const queue: number[] = [];

  const descendantsOf = (ancestor: number): Uint32Array | undefined => {
    const hit = cache.get(ancestor);
    if (hit || cachedBytes + words * 4 > DESCENDANT_CACHE_BYTES) return hit;
    const bits = new Uint32Array(words);
    queue.length = 0;
    queue.push(ancestor);
    for (let head = 0; head < queue.length; head++) {
      for (const next of graph.dependents[queue[head]!]!) {
        if ((bits[next >>> 5]! & (1 << (next & 31))) === 0) {
          bits[next >>> 5]! |= 1 << (next & 31);
          queue.push(next);
        }
      }
    }
    cache.set(ancestor, bits);
    cachedBytes += words * 4;
    return bits;
  };

  const searchBack = (step: number, ancestor: number): boolean => {
    if (++stamp === 0xffffffff) {
      seen.fill(0);
      stamp = 1;
    }
    queue.length = 0;
    queue.push(step);
    seen[step] = stamp;
    for (let head = 0; head < queue.length; head++) {
      for (const dep of graph.deps[queue[head]!]!) {
        if (dep === ancestor) return true;
        if (seen[dep] !== stamp) {
          seen[dep] = stamp;
          queue.push(dep);
        }
      }
    }
    return false;
  };

  return (step, ancestor) => {
    if (graph.deps[step]!.includes(ancestor)) return true;
    const bits = descendantsOf(ancestor);
    if (bits) return (bits[step >>> 5]! & (1 << (step & 31))) !== 0;
    return searchBack(step, ancestor);
  };
}

/** Steps grouped by depth (longest chain of dependencies before them): what a dry run shows as parallel. */
export function depthLevels(graph: PlanGraph): number[][] {
  const order = graph.order;
  if (!order) throw new Error('depthLevels needs an acyclic graph');
  const depth = new Int32Array(graph.ids.length);
  const levels: number[][] = [];
  for (const i of order) {
    let d = 0;
    for (const dep of graph.deps[i]!) if (depth[dep]! + 1 > d) d = depth[dep]! + 1;
    depth[i] = d;
    (levels[d] ??= []).push(i);
  }
  return levels;
}
