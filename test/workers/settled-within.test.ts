import { afterEach, describe, expect, it, vi } from 'vitest';
import { settledWhileAnswering, settledWithin } from '../../src/workers/settled-within.js';

describe('settledWithin', () => {
  it('is true for work that settles in time, fulfilled or rejected', async () => {
    expect(await settledWithin(Promise.resolve(1), 1000)).toBe(true);
    expect(await settledWithin(Promise.reject(new Error('no')), 1000)).toBe(true);
  });

  it('is false once the time runs out on work that never settles', async () => {
    expect(await settledWithin(new Promise(() => {}), 20)).toBe(false);
  });
});

describe('settledWhileAnswering', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits for work as long as Redis answers it, however long past the silence allowed (a long scan)', async () => {
    vi.useFakeTimers();
    let answeredAt = Date.now();
    const work = (async () => {
      for (let page = 0; page < 20; page++) {
        await new Promise((resolve) => setTimeout(resolve, 40));
        answeredAt = Date.now();
      }
    })();
    const settled = settledWhileAnswering(work, 100, () => answeredAt);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await settled).toBe(true);
  });

  it('is false once Redis answered nothing for the silence allowed', async () => {
    vi.useFakeTimers();
    let answeredAt = Date.now();
    const work = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 40));
      answeredAt = Date.now();
      await new Promise(() => {});
    })();
    const settled = settledWhileAnswering(work, 100, () => answeredAt);
    await vi.advanceTimersByTimeAsync(200);
    expect(await settled).toBe(false);
  });
});
