import { IdIndex } from './id-index.js';

/**
 * The plan as a graph over step indices. Everything here is O(V + E) so a
 * 100k-step plan is checked and scheduled in milliseconds.
 */

export type GraphNode = { readonly id: string; readonly dependsOn: readonly string[] };

/**
 * Edge lists in compressed form (CSR): the neighbours of step i are
 * `targets[start[i]]` up to (not including) `targets[start[i + 1]]`, in plan
 * order. Four typed arrays instead of two small arrays per step: a 100k-step
 * graph is built faster and takes a few MB, not tens.
 */
export type EdgeLists = { readonly start: Int32Array; readonly targets: Int32Array };

export type PlanGraph = {
  readonly ids: readonly string[];
  /** Each id to its (first) step, in plan order; made on first read. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** The (first) step with this id, or -1: what `indexOf` answers, without making it. */
  readonly indexOfId: (id: string) => number;
  /** Direct dependencies per step (unknown ids and self-edges dropped; duplicates kept once). */
  readonly depEdges: EdgeLists;
  /** Direct dependents per step, in plan order. */
  readonly dependentEdges: EdgeLists;
  /** `depEdges` as arrays, made on first read. */
  readonly deps: readonly (readonly number[])[];
  /** `dependentEdges` as arrays, made on first read. */
  readonly dependents: readonly (readonly number[])[];
  /** A topological order, or null when the graph has a cycle. */
  readonly order: readonly number[] | null;
  /** Cycles as id paths that start and end with the same id, e.g. [a, b, a]. */
  readonly cycles: readonly string[][];
};

/** Told about each problem of the dependency lists while the graph is built (validation turns them into issues). */
export type GraphProblems = {
  /** Step `index` repeats the id of step `first`; the id means the first one. */
  readonly onDuplicateId?: (index: number, first: number) => void;
  /** `dependsOn[position]` of step `index` is its own id. */
  readonly onSelfDependency?: (index: number, position: number, id: string) => void;
  /** `dependsOn[position]` of step `index` names no step. */
  readonly onUnknownDependency?: (index: number, position: number, id: string) => void;
};

export function buildGraph(nodes: readonly GraphNode[], problems: GraphProblems = {}): PlanGraph {
  const n = nodes.length;
  const ids = new Array<string>(n);
  let edgeBound = 0;
  for (let i = 0; i < n; i++) {
    const node = nodes[i]!;
    ids[i] = node.id;
    edgeBound += node.dependsOn.length;
  }
  // A repeated id (rare: an invalid plan) means its first step.
  const index = new IdIndex(ids, problems.onDuplicateId);

  const depStart = new Int32Array(n + 1);
  let depTargets = new Int32Array(edgeBound);
  const dependentCount = new Int32Array(n);
  // Marks which step last added each dependency, so duplicates drop out in O(1).
  const addedBy = new Int32Array(n).fill(-1);
  let edges = 0;
  for (let i = 0; i < n; i++) {
    depStart[i] = edges;
    const names = nodes[i]!.dependsOn;
    for (let position = 0; position < names.length; position++) {
      const depId = names[position]!;
      if (depId === ids[i]) problems.onSelfDependency?.(i, position, depId);
      const d = index.get(depId);
      if (d < 0) {
        if (depId !== ids[i]) problems.onUnknownDependency?.(i, position, depId);
        continue;
      }
      if (d === i || addedBy[d] === i) continue;
      addedBy[d] = i;
      depTargets[edges++] = d;
      dependentCount[d]!++;
    }
  }
  depStart[n] = edges;
  if (edges < depTargets.length) depTargets = depTargets.slice(0, edges);

  const dependentStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) dependentStart[i + 1] = dependentStart[i]! + dependentCount[i]!;
  const dependentTargets = new Int32Array(edges);
  // Filled in step order, so each step's dependents come in plan order.
  const fill = dependentStart.slice(0, n);
  for (let i = 0; i < n; i++) {
    for (let e = depStart[i]!; e < depStart[i + 1]!; e++) dependentTargets[fill[depTargets[e]!]!++] = i;
  }

  const depEdges = { start: depStart, targets: depTargets };
  const dependentEdges = { start: dependentStart, targets: dependentTargets };
  const sorted = kahnOrder(depEdges, dependentEdges);
  const order = sorted.length === n ? sorted : null;
  const cycles = order ? [] : findCycles(ids, depEdges, sorted);
  let deps: number[][] | undefined;
  let dependents: number[][] | undefined;
  let indexOf: Map<string, number> | undefined;
  return {
    ids,
    get indexOf() {
      return (indexOf ??= index.toMap());
    },
    indexOfId: (id) => index.get(id),
    depEdges,
    dependentEdges,
    get deps() {
      return (deps ??= asArrays(depEdges));
    },
    get dependents() {
      return (dependents ??= asArrays(dependentEdges));
    },
    order,
    cycles,
  };
}

/** The neighbours of one step, as a (shared) view: no copy. */
export function edgesOf(lists: EdgeLists, i: number): Int32Array {
  return lists.targets.subarray(lists.start[i]!, lists.start[i + 1]!);
}

function asArrays(lists: EdgeLists): number[][] {
  const n = lists.start.length - 1;
  const out = new Array<number[]>(n);
  for (let i = 0; i < n; i++) out[i] = Array.from(edgesOf(lists, i));
  return out;
}

/**
 * Kahn's algorithm; ties broken by plan order so results are stable. With a
 * cycle the order is partial: it lacks every step on a cycle or after one.
 */
function kahnOrder(deps: EdgeLists, dependents: EdgeLists): number[] {
  const n = deps.start.length - 1;
  const indegree = new Int32Array(n);
  for (let i = 0; i < n; i++) indegree[i] = deps.start[i + 1]! - deps.start[i]!;
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (indegree[i] === 0) order.push(i);
  const { start, targets } = dependents;
  for (let head = 0; head < order.length; head++) {
    const node = order[head]!;
    for (let e = start[node]!; e < start[node + 1]!; e++) {
      const next = targets[e]!;
      if (--indegree[next]! === 0) order.push(next);
    }
  }
  return order;
}

/** Iterative DFS over the nodes Kahn could not order (`partialOrder` holds the others); one cycle per back edge found, at most `limit`. */
function findCycles(ids: readonly string[], deps: EdgeLists, partialOrder: readonly number[], limit = 10): string[][] {
  const n = ids.length;
  const removed = new Uint8Array(n);
  for (const node of partialOrder) removed[node] = 1;

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
      const list = edgesOf(deps, node);
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
  const { start, targets } = graph.dependentEdges;
  for (let k = n - 1; k >= 0; k--) {
    const i = order[k]!;
    let best = 0;
    for (let e = start[i]!; e < start[i + 1]!; e++) if (lengths[targets[e]!]! > best) best = lengths[targets[e]!]!;
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
  const deps = graph.depEdges;
  const dependents = graph.dependentEdges;

  const descendantsOf = (ancestor: number): Uint32Array | undefined => {
    const hit = cache.get(ancestor);
    if (hit || cachedBytes + words * 4 > DESCENDANT_CACHE_BYTES) return hit;
    const bits = new Uint32Array(words);
    queue.length = 0;
    queue.push(ancestor);
    for (let head = 0; head < queue.length; head++) {
      for (const next of edgesOf(dependents, queue[head]!)) {
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
      for (const dep of edgesOf(deps, queue[head]!)) {
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
    if (edgesOf(deps, step).includes(ancestor)) return true;
    const bits = descendantsOf(ancestor);
    if (bits) return (bits[step >>> 5]! & (1 << (step & 31))) !== 0;
    return searchBack(step, ancestor);
  };
}

/** The ids of a step's transitive dependencies (never the step itself, even on a cycle): what its expressions may read. */
export function ancestorIds(graph: PlanGraph, step: number): string[] {
  return reachableIds(graph, step, graph.depEdges);
}

/** The ids of the steps that depend on a step, transitively (never the step itself): it cannot depend on them. */
export function descendantIds(graph: PlanGraph, step: number): string[] {
  return reachableIds(graph, step, graph.dependentEdges);
}

function reachableIds(graph: PlanGraph, step: number, edges: EdgeLists): string[] {
  const seen = new Uint8Array(graph.ids.length);
  seen[step] = 1;
  const queue = [step];
  const out: string[] = [];
  for (let head = 0; head < queue.length; head++) {
    for (const next of edgesOf(edges, queue[head]!)) {
      if (seen[next]) continue;
      seen[next] = 1;
      queue.push(next);
      out.push(graph.ids[next]!);
    }
  }
  return out;
}

/** Steps grouped by depth (longest chain of dependencies before them): what a dry run shows as parallel. */
export function depthLevels(graph: PlanGraph): number[][] {
  const order = graph.order;
  if (!order) throw new Error('depthLevels needs an acyclic graph');
  const depth = new Int32Array(graph.ids.length);
  const levels: number[][] = [];
  for (const i of order) {
    let d = 0;
    for (const dep of edgesOf(graph.depEdges, i)) if (depth[dep]! + 1 > d) d = depth[dep]! + 1;
    depth[i] = d;
    (levels[d] ??= []).push(i);
  }
  return levels;
}
