import type { Clock } from './clock.js';
import { siftDown, siftUp } from './heap.js';

/**
 * Simulated time for the executor, for tests and the benchmark. Timers live
 * in a binary heap ordered by (due time, creation order), so timers due at
 * the same moment fire in the order they were set — like Node's timers, and
 * deterministically.
 *
 * Time only moves when its driver asks it to (`advanceTo`, `advanceBy`, `run`);
 * between two timers every pending microtask is allowed to settle, so
 * promise chains in the code under test behave as they would in real time.
 */

type Timer = {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
};

export type RunOptions = {
  /** Give up (throw) once simulated time passes this point; default 1 hour after the start. */
  readonly maxTimeMs?: number;
  /** Give up after firing this many timers; default 10 million. */
  readonly maxTimers?: number;
};

// Only a macrotask boundary is sure to come after every microtask, including
// the ones those queue; setImmediate is the cheapest (~2 µs) where it exists.
const nextMacrotask: (fn: () => void) => void =
  typeof globalThis.setImmediate === 'function' ? (fn) => globalThis.setImmediate(fn) : (fn) => globalThis.setTimeout(fn, 0);

/** Lets every queued microtask (and the microtasks they queue) run: a macrotask boundary drains the queue. */
export function settle(): Promise<void> {
  return new Promise((resolve) => nextMacrotask(resolve));
}

export class VirtualClock implements Clock {
  private time: number;
  private seq = 0;
  private heap: Timer[] = [];
  private live = 0;
  /** Timers fired so far (for diagnostics and performance assertions). */
  fired = 0;

  /** Starts at a fixed epoch so ISO timestamps are reproducible. */
  constructor(readonly epochMs = Date.UTC(2025, 0, 1)) {
    this.time = epochMs;
  }

  now(): number {
    return this.time;
  }

  /** Milliseconds of simulated time since the clock was created. */
  get elapsed(): number {
    return this.time - this.epochMs;
  }

  /** Timers set and neither fired nor cancelled. */
  get pendingTimers(): number {
    return this.live;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const timer: Timer = { at: this.time + delay, seq: this.seq++, fn, cancelled: false };
    this.push(timer);
    this.live++;
    return () => {
      if (timer.cancelled) return;
      timer.cancelled = true;
      this.live--;
    };
  }

  /** Runs `fn` when the simulated clock reaches `elapsedMs` after the epoch. */
  at(elapsedMs: number, fn: () => void): () => void {
    return this.setTimer(this.epochMs + elapsedMs - this.time, fn);
  }

  /** When the next live timer is due (absolute ms), or undefined. */
  nextDue(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.at;
  }

  /** Fires the next live timer (moving time to it) and lets microtasks settle. Returns false when none is left. */
  async step(): Promise<boolean> {
    this.dropCancelled();
    const timer = this.pop();
    if (!timer) return false;
    this.live--;
    timer.cancelled = true;
    if (timer.at > this.time) this.time = timer.at;
    this.fired++;
    timer.fn();
    await settle();
    return true;
  }

  /** Fires every timer due up to `elapsedMs` after the epoch, then leaves the clock there. */
  async advanceTo(elapsedMs: number): Promise<void> {
    const target = this.epochMs + elapsedMs;
    await settle();
    for (;;) {
      const due = this.nextDue();
      if (due === undefined || due > target) break;
      await this.step();
    }
    if (target > this.time) this.time = target;
    await settle();
  }

  advanceBy(ms: number): Promise<void> {
    return this.advanceTo(this.elapsed + ms);
  }

  /**
   * Drives simulated time until `promise` settles: let microtasks settle,
   * and if the promise is still pending jump to the next timer. Throws when
   * nothing is left that could settle it (a hang) or a limit is passed.
   */
  async run<T>(promise: Promise<T>, options: RunOptions = {}): Promise<T> {
    const maxTime = this.time + (options.maxTimeMs ?? 3_600_000);
    const maxTimers = options.maxTimers ?? 10_000_000;
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    const firedAtStart = this.fired;
    await settle();
    while (!settled) {
      const due = this.nextDue();
      if (due === undefined) {
        throw new Error(`VirtualClock.run: the promise is still pending but no timer is left (a hang) at t=${this.elapsed}ms`);
      }
      if (due > maxTime) throw new Error(`VirtualClock.run: passed the time limit at t=${this.elapsed}ms`);
      if (this.fired - firedAtStart >= maxTimers) throw new Error(`VirtualClock.run: fired ${maxTimers} timers without settling`);
      await this.step();
    }
    return promise;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
  }

  private readonly before = (a: Timer, b: Timer): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);

  private push(timer: Timer): void {
    const i = this.heap.length;
    this.heap.push(timer);
    siftUp(this.heap, i, timer, this.before);
  }

  private pop(): Timer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    siftDown(heap, heap.length, last, this.before);
    return top;
  }
}
