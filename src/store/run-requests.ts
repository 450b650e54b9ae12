import path from 'node:path';
import { watchRequestFile, writeRequestFile } from './request-file.js';
import { isConfirmedOwner, isForAnotherOwner, withdrawOwnRequest, type LockOwner } from './run-lock.js';

/** A pause/resume request for a run's live owner: the latest one wins (pause then resume = resume). */
const PAUSE_FILE = 'pause.request';

/**
 * Asks the live owner of a run to pause it (no new step starts; running steps
 * finish) or to resume it. SIGUSR2 wakes the owner at once, as for `ksa cancel`.
 */
export async function requestPause(runDir: string, owner: LockOwner, paused: boolean): Promise<void> {
  // Addressed to this owner: a request it never read must not pause the process that takes the run over next.
  await writeRequestFile(path.join(runDir, PAUSE_FILE), { paused, requestedAt: new Date().toISOString(), by: process.pid, to: owner.pid, host: owner.hostname });
  try {
    // Its poll sees the request too: a pid that may not be the owner any more is not signalled.
    if (isConfirmedOwner(owner)) process.kill(owner.pid, 'SIGUSR2');
  } catch {
    // Gone already: nothing to pause; the caller sees the owner is dead.
  }
}

/** Takes back a request this process made that its owner has not read (it did not answer in time, or died). */
export async function withdrawPause(runDir: string): Promise<void> {
  await withdrawOwnRequest(path.join(runDir, PAUSE_FILE));
}

/** Watches for pause/resume requests for this run: SIGUSR2 wakes it, a poll backs it up. Returns a stop function. */
export function watchPauseRequest(runDir: string, onRequest: (paused: boolean) => void, pollMs = 500): () => void {
  return watchRequestFile(
    path.join(runDir, PAUSE_FILE),
    ({ request }) => {
      // One addressed to the run's previous owner (dead since) is not this process's to follow.
      if (!isForAnotherOwner(request) && typeof request.paused === 'boolean') onRequest(request.paused);
    },
    pollMs,
  );
}
