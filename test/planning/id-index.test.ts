import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/planning/index.js';
// Internal: the graph's id lookup must answer as a Map of first occurrences would.
import { IdIndex } from '../../src/planning/id-index.js';

/** What the index replaces: each id to its first index, repeats reported in plan order. */
function reference(ids: readonly string[]) {
  const first = new Map<string, number>();
  const repeats: [number, number][] = [];
  ids.forEach((id, i) => {
    const at = first.get(id);
    if (at === undefined) first.set(id, i);
    else repeats.push([i, at]);
  });
  return { first, repeats };
}

// Few distinct short ids (many repeats), long ones, and odd UTF-16.
const id = fc.oneof(fc.constantFrom('a', 'b', 'task-1', 'task-10', ''), fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.string({ minLength: 60, maxLength: 200 }));

describe('IdIndex', () => {
  it('finds the first step of each id, -1 for others, and reports repeats in order', () => {
    fc.assert(
      fc.property(fc.array(id, { maxLength: 60 }), fc.array(id, { maxLength: 10 }), (ids, probes) => {
        const repeats: [number, number][] = [];
        const index = new IdIndex(ids, (i, first) => repeats.push([i, first]));
        const want = reference(ids);
        expect(repeats).toEqual(want.repeats);
        for (const probe of [...ids, ...probes]) expect(index.get(probe)).toBe(want.first.get(probe) ?? -1);
        expect([...index.toMap()]).toEqual([...want.first]);
      }),
      { numRuns: 3000, seed: 5 },
    );
  });

  it('stays correct when the table is full of neighbours (100k ids)', () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => `task-${i}`);
    const index = new IdIndex(ids);
    for (let i = 0; i < ids.length; i += 7) expect(index.get(`task-${i}`)).toBe(i);
    expect(index.get('task-100000')).toBe(-1);
    expect(index.get('task-')).toBe(-1);
  });

  it('backs the graph: indexOf is made on first read and agrees with indexOfId', () => {
    const g = buildGraph([{ id: 'b', dependsOn: [] }, { id: 'a', dependsOn: ['b'] }, { id: 'b', dependsOn: [] }]);
    expect(g.indexOfId('b')).toBe(0);
    expect(g.indexOfId('nope')).toBe(-1);
    expect([...g.indexOf]).toEqual([['b', 0], ['a', 1]]);
    expect(g.indexOf).toBe(g.indexOf);
  });
});
