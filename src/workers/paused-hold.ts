import type { Queue } from 'bullmq';
import type { PauseGate } from '../planning/index.js';
import type { Outstanding } from './outstanding-job.js';

export type PausedHoldOptions = {
  readonly gate: PauseGate;
  readonly entry: Outstanding;
  readonly queue: Queue;
  /** A worker took the job, or the call has settled (or is being stopped): nothing is held any more. */
  readonly over: () => boolean;
  /** Adds the job again (its id is free once it was taken off the queue). */
  readonly add: () => Promise<unknown>;
  /** The wait for a worker begins again (--worker-wait counts afresh from the resume). */
  readonly waitAgain: () => void;
  /** Said in the step's output as it is held: it waits, and why no worker takes it. */
  readonly heldLine: string;
};

/**
 * A step waiting for a worker has not started, so a pause holds it: its job is taken off the queue (a worker
 * that took it first runs it, as a running step finishes) and its --worker-wait stops; once the run goes on,
 * the job is queued again, its --worker-wait starts afresh, and it says again that it waits. Changes are handled one at a time, in order.
 * Returns the function that stops watching.
 */
export function holdWhilePaused(options: PausedHoldOptions): () => void {
  const { gate, entry, queue } = options;
  let chain: Promise<void> = Promise.resolve();
  const change = (paused: boolean) => {
    chain = chain.then(() => (paused ? hold() : release())).catch(() => {});
  };
  const hold = async () => {
    if (entry.held || options.over()) return;
    entry.held = true;
    clearTimeout(entry.deadline);
    // 0: a worker holds it already (it runs, as a running step does) or it has ended.
    if ((await queue.remove(entry.id).catch(() => 0)) === 0) {
      entry.held = false;
      return;
    }
    entry.call.onOutput(options.heldLine, 'stderr');
  };
  const release = async () => {
    if (!entry.held) return;
    if (!options.over()) await options.add();
    entry.held = false;
    // Its last line says it is held: the next sweep says it waits again, if no live worker can take it.
    entry.waitingShown = false;
    if (!options.over()) options.waitAgain();
  };
  const stop = gate.watch(change);
  if (gate.paused) change(true);
  return stop;
}
