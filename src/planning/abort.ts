import type { Clock } from './clock.js';

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
