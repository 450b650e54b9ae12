import type { Queue } from 'bullmq';
import type { Outstanding } from './outstanding-job.js';
import { partNotRun } from './step-messages.js';
import { LIVE_WITHIN_MS, type WorkerInfo } from './worker-registry.js';

/**
 * Why a fan-out's part, still queued for its one worker, will never run there: that worker is stopping
 * (it takes no new step), or its entry has been gone from the registry as long as a dead worker's stays
 * (it stopped, or died): waiting the whole --worker-wait for it would only delay the step's failure.
 * A rollback for one worker is left waiting: that worker, restarted, is the only one that can undo it.
 */
export function stoppedPart(entry: Outstanding, workers: readonly WorkerInfo[], now: number): string | undefined {
  if (!entry.target || entry.call.phase !== 'run') return undefined;
  const info = workers.find((worker) => worker.name === entry.target);
  if (info?.stopping) return partNotRun(entry.target, true);
  if (info) {
    entry.targetGoneSince = undefined;
    return undefined;
  }
  // A Redis restarted without its data has no entries until the next heartbeats: not gone yet.
  entry.targetGoneSince ??= now;
  return now - entry.targetGoneSince > LIVE_WITHIN_MS ? partNotRun(entry.target, false) : undefined;
}

/** Fails such a part, taking its job off its worker's queue; not one that worker took meanwhile (its job is locked then). */
export async function failStoppedPart(entry: Outstanding, workers: readonly WorkerInfo[], queue: Pick<Queue, 'remove'>): Promise<boolean> {
  const stopped = stoppedPart(entry, workers, Date.now());
  if (!stopped || (await queue.remove(entry.id).catch(() => 0)) !== 1) return false;
  entry.lost(stopped);
  return true;
}
