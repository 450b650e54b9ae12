/**
 * Time as the executor sees it. Injected so tests and benchmarks can run
 * plans under simulated time; every timer it hands out can be cancelled.
 */
export type Clock = {
  now(): number;
  /** Calls `fn` after `ms`; returns a function that cancels the timer. */
  setTimer(ms: number, fn: () => void): () => void;
};

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const handle = globalThis.setTimeout(fn, ms);
    return () => globalThis.clearTimeout(handle);
  },
};
