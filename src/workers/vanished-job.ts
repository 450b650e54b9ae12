import { errorMessage } from '../planning/index.js';
import type { Outstanding } from './outstanding-job.js';

/**
 * A job Redis no longer has (restarted without its data). Taken by a worker, its attempt is lost: it may
 * have done part of its work (its worker stops it on seeing the job gone). Never taken, it had not started:
 * it is queued again, its --worker-wait going on, rather than failing a step that never ran.
 */
export function requeueVanished(entry: Outstanding): void {
  if (entry.takenBy !== undefined) return entry.lost('attempt lost: Redis no longer has its job (was Redis restarted?)');
  // Not swept while it is being added: its job is missing until then.
  entry.added = false;
  entry.call.onOutput('queued again: Redis no longer had its job (was Redis restarted?); no worker had taken it', 'stderr');
  void entry.requeue().then(
    () => (entry.added = true),
    (error: unknown) => entry.lost(`could not queue the step again: ${errorMessage(error)}`),
  );
}
