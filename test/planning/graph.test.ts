import { describe, expect, it } from 'vitest';
import { buildGraph, createAncestorCheck, criticalPathLengths, depthLevels, type GraphNode } from '../../src/planning/index.js';

const node = (id: string, ...dependsOn: string[]): GraphNode => ({ id, dependsOn });

/**
 *   a ──> b ──> d ──> e
 *   │           ^
 *   └──> c ─────┘        f (alone)
 */
const diamond = [node('a'), node('b', 'a'), node('c', 'a'), node('d', 'b', 'c'), node('e', 'd'), node('f')];

const ids = (graph: { ids: readonly string[] }, indices: readonly number[]) => indices.map((i) => graph.ids[i]);

describe('buildGraph', () => {
  it('indexes steps and their direct dependencies and dependents', () => {
    const g = buildGraph(diamond);
    expect(g.ids).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(g.indexOf.get('d')).toBe(3);
    expect(g.deps.map((d) => ids(g, d))).toEqual([[], ['a'], ['a'], ['b', 'c'], ['d'], []]);
    expect(g.dependents.map((d) => ids(g, d))).toEqual([['b', 'c'], ['d'], ['d'], ['e'], [], []]);
    expect(g.cycles).toEqual([]);
  });

  it('drops unknown ids and self-edges and keeps duplicates once', () => {
    const g = buildGraph([node('a', 'a', 'ghost'), node('b', 'a', 'a')]);
    expect(g.deps.map((d) => ids(g, d))).toEqual([[], ['a']]);
    expect(g.dependents[0]).toEqual([1]);
    expect(g.order).not.toBeNull();
  });

  it('gives a topological order that respects every dependency, ties in plan order', () => {
    const nodes = [node('deploy', 'build', 'test'), node('test', 'build'), node('build'), node('lint'), node('docs', 'lint')];
    const g = buildGraph(nodes);
    const order = ids(g, g.order!);
    expect(order).toEqual(['build', 'lint', 'test', 'docs', 'deploy']);
    const position = new Map(order.map((id, k) => [id, k]));
    for (const n of nodes) for (const dep of n.dependsOn) expect(position.get(dep)!).toBeLessThan(position.get(n.id)!);
  });

  it('has no order and reports cycles as paths when there is a cycle', () => {
    const two = buildGraph([node('a', 'b'), node('b', 'a')]);
    expect(two.order).toBeNull();
    expect(two.cycles).toEqual([['a', 'b', 'a']]);

    const three = buildGraph([node('x'), node('a', 'x', 'c'), node('b', 'a'), node('c', 'b'), node('after', 'c')]);
    expect(three.order).toBeNull();
    expect(three.cycles).toEqual([['a', 'c', 'b', 'a']]);
  });

  it('finds separate cycles and stops at 10', () => {
    const nodes: GraphNode[] = [];
    for (let k = 0; k < 15; k++) nodes.push(node(`p${k}`, `q${k}`), node(`q${k}`, `p${k}`));
    const g = buildGraph(nodes);
    expect(g.cycles).toHaveLength(10);
    expect(g.cycles[0]).toEqual(['p0', 'q0', 'p0']);
  });

  it('builds a 100k-node chain without stack overflow', () => {
    const n = 100_000;
    const nodes = Array.from({ length: n }, (_, i) => node(`s${i}`, ...(i > 0 ? [`s${i - 1}`] : [])));
    const g = buildGraph(nodes);
    expect(g.order).toHaveLength(n);
    expect(g.order![n - 1]).toBe(n - 1);
    const lengths = criticalPathLengths(g);
    expect(lengths[0]).toBe(n);
    expect(lengths[n - 1]).toBe(1);
    expect(depthLevels(g)).toHaveLength(n);
    expect(createAncestorCheck(g)(n - 1, 0)).toBe(true);
    expect(createAncestorCheck(g)(0, n - 1)).toBe(false);
  });

  it('builds a 100k-wide graph (one root, 100k leaves) without trouble', () => {
    const n = 100_000;
    const nodes = [node('root'), ...Array.from({ length: n }, (_, i) => node(`l${i}`, 'root'))];
    const g = buildGraph(nodes);
    expect(g.order).toHaveLength(n + 1);
    expect(g.dependents[0]).toHaveLength(n);
    expect(criticalPathLengths(g)[0]).toBe(2);
    expect(depthLevels(g).map((level) => level.length)).toEqual([1, n]);
  });

  it('builds a join step that depends on 50k steps', () => {
    const n = 50_000;
    const leaves = Array.from({ length: n }, (_, i) => `l${i}`);
    const g = buildGraph([...leaves.map((id) => node(id)), node('join', ...leaves)]);
    expect(g.deps[n]).toHaveLength(n);
    expect(depthLevels(g).map((level) => level.length)).toEqual([n, 1]);
  });

  it('finds a 100k-long cycle without stack overflow', () => {
    const n = 100_000;
    const nodes = Array.from({ length: n }, (_, i) => node(`s${i}`, `s${(i + 1) % n}`));
    const g = buildGraph(nodes);
    expect(g.order).toBeNull();
    expect(g.cycles).toHaveLength(1);
    expect(g.cycles[0]).toHaveLength(n + 1);
    expect(g.cycles[0]!.slice(0, 3)).toEqual(['s0', 's1', 's2']);
  });
});

describe('criticalPathLengths', () => {
  it('counts the step plus the longest chain of dependents after it', () => {
    const g = buildGraph(diamond);
    expect(Array.from(criticalPathLengths(g))).toEqual([4, 3, 3, 2, 1, 1]);
  });

  it('uses the given weights', () => {
    const g = buildGraph(diamond);
    const weights: Record<string, number> = { a: 1, b: 10, c: 2, d: 1, e: 5, f: 100 };
    expect(Array.from(criticalPathLengths(g, (i) => weights[g.ids[i]!]!))).toEqual([17, 16, 8, 6, 5, 100]);
  });

  it('needs an acyclic graph', () => {
    expect(() => criticalPathLengths(buildGraph([node('a', 'b'), node('b', 'a')]))).toThrow(/acyclic/);
  });
});

describe('depthLevels', () => {
  it('groups steps by the longest chain of dependencies before them', () => {
    const g = buildGraph(diamond);
    expect(depthLevels(g).map((level) => ids(g, level))).toEqual([['a', 'f'], ['b', 'c'], ['d'], ['e']]);
  });

  it('puts a step with a short and a long path at the depth of the long one', () => {
    const g = buildGraph([node('a'), node('b', 'a'), node('c', 'b'), node('z', 'a', 'c')]);
    expect(depthLevels(g).map((level) => ids(g, level))).toEqual([['a'], ['b'], ['c'], ['z']]);
  });

  it('needs an acyclic graph', () => {
    expect(() => depthLevels(buildGraph([node('a', 'a2'), node('a2', 'a')]))).toThrow(/acyclic/);
  });
});

describe('createAncestorCheck', () => {
  const g = buildGraph(diamond);
  const isAncestor = createAncestorCheck(g);
  const at = (id: string) => g.indexOf.get(id)!;

  it('is true for direct and transitive dependencies', () => {
    expect(isAncestor(at('b'), at('a'))).toBe(true);
    expect(isAncestor(at('d'), at('c'))).toBe(true);
    expect(isAncestor(at('e'), at('a'))).toBe(true);
  });

  it('is false for dependents, siblings, unrelated steps and the step itself', () => {
    expect(isAncestor(at('a'), at('b'))).toBe(false);
    expect(isAncestor(at('b'), at('c'))).toBe(false);
    expect(isAncestor(at('e'), at('f'))).toBe(false);
    expect(isAncestor(at('d'), at('d'))).toBe(false);
  });

  it('gives the same answers when asked many times in any order', () => {
    const all = g.ids.map((_, i) => i);
    const first = all.flatMap((s) => all.map((a) => isAncestor(s, a)));
    for (let round = 0; round < 3; round++) {
      const again = all.flatMap((s) => all.map((a) => isAncestor(s, a)));
      expect(again).toEqual(first);
    }
    expect(first.filter(Boolean)).toHaveLength(9);
  });
});
