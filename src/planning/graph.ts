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
  for (let i = 0; i < n; i++) {
    const list: number[] = [];
    for (const depId of nodes[i]!.dependsOn) {
      const d = indexOf.get(depId);
      if (d === undefined || d === i || list.includes(d)) continue;
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

/** Whether `ancestor` is a transitive dependency of `step`; BFS over dependsOn with a reusable stamp array. */
export function createAncestorCheck(graph: PlanGraph): (step: number, ancestor: number) => boolean {
  const n = graph.ids.length;
  const seen = new Uint32Array(n);
  let stamp = 0;
  const queue: number[] = [];
  return (step, ancestor) => {
    const direct = graph.deps[step]!;
    if (direct.includes(ancestor)) return true;
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
