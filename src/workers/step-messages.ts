import { KsaError } from '../planning/ksa-error.js';
import { RefusedAttemptError } from '../planning/refused-attempt.js';

/** What a remote step says about workers, in its output lines and its errors. */

export class RemoteStepError extends KsaError {
  constructor(message: string) {
    super({ name: 'RemoteStepError', message });
  }
}

/** How a worker's refusal of a job by its own rules begins (`denied on worker w1 by deny shell: …`). */
export const DENIED_ON_WORKER = 'denied on worker ';

/** A failed job's reason as the step's error: a refusal by the worker's rules is final, its retries would meet them again. */
export function remoteStepError(message: string): KsaError {
  return message.startsWith(DENIED_ON_WORKER) ? new RefusedAttemptError(message) : new RemoteStepError(message);
}

/** BullMQ's failedReason for a job whose worker died (its lock expired). */
export const STALLED = /stalled/i;

const WAITING = 'waiting for a worker';

/** `note`: what happened to an earlier attempt's worker (LostWorkers.note), or ''. */
export function waitingForWorker(labels: readonly string[], note: string): string {
  return `${WAITING} (labels: ${labels.length > 0 ? labels.join(', ') : 'any'}${note})`;
}

/** Whether a step's output line is waitingForWorker's or waitingForPinned's (`ksa status` reads it from the step's log). */
export function saysWaitingForWorker(line: string): boolean {
  return line.startsWith(`${WAITING} (`) || line.startsWith(WAITING.replace('a worker', 'worker '));
}

export function noWorkerTook(waitMs: number, labels: readonly string[], note: string): string {
  return `no worker took it within ${formatWait(waitMs)}: ${waitingForWorker(labels, note)}`;
}

/** Said as a pause holds a step no worker took yet: it has not started, and no worker takes it until the run goes on. */
export function heldWhilePaused(labels: readonly string[], target: string | undefined): string {
  const held = 'held while the run is paused: no worker takes it until the run goes on (ksa resume)';
  return target ? `${WAITING.replace('a worker', `worker ${target}`)} (${held})` : `${waitingForWorker(labels, '')}; ${held}`;
}

/** Said while a job for one worker waits for it: only that worker may take it. */
export function waitingForPinned(worker: string): string {
  return `${WAITING.replace('a worker', `worker ${worker}`)} (only it may run this; it is not live)`;
}

/** A job for one worker (a rollback where its step ran, a fan-out's part): no other worker may take it. */
export function pinnedNotTaken(waitMs: number, worker: string, phase: 'run' | 'rollback'): string {
  const only = phase === 'run' ? 'this part of the fan-out runs only on worker ' + worker : `it runs only on worker ${worker} (where its step ran)`;
  return `not taken within ${formatWait(waitMs)}: ${only}, which did not take it (is it running?)`;
}

/** A rollback bound to a worker that is gone (`why`, as workerGone says it): nothing else may undo the step there. */
export function rollbackOnGoneWorker(worker: string, why: string, stepId: string): string {
  return `worker ${worker} is gone (${why}): ${stepId}'s rollback runs only there, where ${stepId} ran; undo ${stepId} by hand on ${worker}`;
}

const NOT_RUN = 'not run: worker ';

/** A fan-out's part whose worker stopped (or is stopping) before taking it: it never ran there. */
export function partNotRun(worker: string, stopping: boolean): string {
  return `${NOT_RUN}${worker} ${stopping ? 'is stopping (it takes no new step)' : 'stopped'} before it took this part of the fan-out`;
}

/** Whether a part's failure is partNotRun's: its worker is not named for it. */
export function saysPartNotRun(message: string): boolean {
  return message.startsWith(NOT_RUN);
}

/** The connection to Redis went (`down`) or came back, said as the run's note; `sent`: the jobs are with workers already. */
export function redisOutage(display: string, down: boolean, sent: boolean): string {
  if (!down) return `connected to Redis at ${display} again`;
  return `lost the connection to Redis at ${display}; waiting for it to come back ${sent ? '(steps on workers go on there)' : 'to send steps to workers'}`;
}

/** A run taken over ended without the secrets out of its jobs: where they may still be, for the user to remove. */
export function secretsLeft(display: string, runId: string): string {
  return `Redis at ${display} could not be reached to take the secrets out of run ${runId}'s jobs: they may still hold them in clear there (keys ksa:*:${runId}.*)`;
}

export function workerLost(worker: string): string {
  return `attempt lost: worker ${worker} stopped answering (crashed or cut off)`;
}

/** BullMQ's words for a job whose worker died, in ours, when its worker's name is not known. */
export function lostOr(reason: string | undefined): string {
  if (!reason) return 'the worker gave no reason';
  if (STALLED.test(reason)) return 'attempt lost: its worker stopped answering (crashed or cut off)';
  return reason;
}

function formatWait(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
