import type { Clock } from './clock.js';

/** How long rollback (or a retry) waits for aborted tools to wind down (e.g. a process tree to die) before it starts. */
export const ABORT_SETTLE_MS = 5_000;

/** Settles with the work, or rejects as soon as the signal aborts: a tool that ignores its signal cannot hold the run. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Aborted work that has not stopped yet, so an undo does not race what it undoes. */
export class UnsettledWork {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly clock: Clock) {}

  track(work: Promise<unknown>): void {
    const settled: Promise<unknown> = work.then(
      () => this.pending.delete(settled),
      () => this.pending.delete(settled),
    );
    this.pending.add(settled);
  }

  /** Resolves when everything tracked has settled, or after `limitMs`, whichever is first. */
  settled(limitMs: number): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const cancelTimer = this.clock.setTimer(limitMs, resolve);
      void Promise.allSettled([...this.pending]).then(() => {
        cancelTimer();
        resolve();
      });
    });
  }
}

/**
 * Calls `then` once `delayMs` has passed and `work` has settled (or
 * ABORT_SETTLE_MS has passed since the call, whichever is first): a retry must
 * not race the attempt it replaces, which may still be stopping (a killed
 * client's container being removed, a process in its grace period). Returns a
 * cancel function.
 */
export function afterDelayAndSettled(clock: Clock, delayMs: number, work: Promise<unknown> | undefined, then: () => void): () => void {
  let pending = work ? 2 : 1;
  let cancelled = false;
  const arrive = () => {
    if (--pending === 0 && !cancelled) then();
  };
  const cancelDelay = clock.setTimer(delayMs, arrive);
  let cancelLimit: (() => void) | undefined;
  if (work) {
    let arrived = false;
    const settledOrLimit = () => {
      if (arrived) return;
      arrived = true;
      cancelLimit?.();
      arrive();
    };
    cancelLimit = clock.setTimer(ABORT_SETTLE_MS, settledOrLimit);
    void work.then(settledOrLimit, settledOrLimit);
  }
  return () => {
    cancelled = true;
    cancelDelay();
    cancelLimit?.();
  };
}
