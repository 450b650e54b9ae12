import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean } from '../../src/planning/index.js';
// Internal: not exported from the package index, but it decides the scheduling order.
import { ReadyQueue } from '../../src/planning/ready-queue.js';

/** The order the executor promises: highest priority first, ties by index (plan order). */
const expected = (priority: Float64Array, items: number[]) => [...items].sort((a, b) => priority[b]! - priority[a]! || a - b);

describe('ReadyQueue', () => {
  it('pops by priority, ties by index', () => {
    const priority = Float64Array.from([1, 3, 3, 2, 5]);
    const queue = new ReadyQueue(priority, 1);
    for (const i of [0, 2, 1, 3, 4]) queue.push(i);
    expect(queue.size).toBe(5);
    const out: number[] = [];
    for (let i = queue.pop(); i !== undefined; i = queue.pop()) out.push(i);
    expect(out).toEqual([4, 1, 2, 3, 0]);
    expect(queue.pop()).toBeUndefined();
  });

  it('clear() returns what was queued and empties it', () => {
    const queue = new ReadyQueue(Float64Array.from([1, 1, 1]));
    queue.push(2);
    queue.push(0);
    expect(queue.clear().sort()).toEqual([0, 2]);
    expect(queue.size).toBe(0);
  });

  it('matches a sorted list for any interleaving of pushes and pops (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.boolean(), { maxLength: 120 }),
        (priorities, ops) => {
          const priority = Float64Array.from(priorities);
          const queue = new ReadyQueue(priority, 1);
          const model: number[] = [];
          let next = 0;
          for (const push of ops) {
            if (push && next < priorities.length) {
              queue.push(next);
              model.push(next++);
            } else {
              const want = expected(priority, model)[0];
              expect(queue.pop()).toBe(want);
              if (want !== undefined) model.splice(model.indexOf(want), 1);
            }
            expect(queue.size).toBe(model.length);
          }
          const rest: number[] = [];
          for (let i = queue.pop(); i !== undefined; i = queue.pop()) rest.push(i);
          expect(rest).toEqual(expected(priority, model));
        },
      ),
      { numRuns: 300, seed: 20250101 },
    );
  });
});

describe('did you mean', () => {
  it('suggests the closest name within a few edits', () => {
    expect(closestMatch('biuld', ['build', 'test', 'deploy'])).toBe('build');
    expect(closestMatch('kubctl', ['kubectl', 'helm'])).toBe('kubectl');
    expect(closestMatch('prot', ['port', 'host'])).toBe('port');
    expect(didYouMean('deplyo', ['deploy'])).toBe(' (did you mean "deploy"?)');
  });

  it('stays quiet when nothing is close', () => {
    expect(closestMatch('provision-cluster', ['build', 'test'])).toBeUndefined();
    expect(didYouMean('zzz', ['build'])).toBe('');
    expect(didYouMean('x', [])).toBe('');
  });
});
