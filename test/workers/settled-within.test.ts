import { describe, expect, it } from 'vitest';
import { settledWithin } from '../../src/workers/settled-within.js';

describe('settledWithin', () => {
  it('is true for work that settles in time, fulfilled or rejected', async () => {
    expect(await settledWithin(Promise.resolve(1), 1000)).toBe(true);
    expect(await settledWithin(Promise.reject(new Error('no')), 1000)).toBe(true);
  });

  it('is false once the time runs out on work that never settles', async () => {
    expect(await settledWithin(new Promise(() => {}), 20)).toBe(false);
  });
});
