import type { WorkerRun } from '../planning/index.js';
import { saysPartNotRun } from './step-messages.js';

/**
 * How a job the run had stopped ended on its worker. The run hears of workers late: a worker may have taken
 * the job, even run it to its end, before the stop reached it. Its attempt is recorded as it went there.
 */

/** The failure of a job its worker refused because its cancel mark was there when it took it. */
export const NOT_STARTED = 'cancelled before it started';

/** The failure of a job its worker stopped midway for the coordinator's cancel. */
export function cancelledOn(worker: string): string {
  return `cancelled on worker ${worker}`;
}

/** How the failure of a job its worker was stopped at once while running it begins: the attempt is handed back, not failed by itself. */
export const HANDED_BACK = 'attempt handed back';

export type StoppedEnd =
  /** No worker ran it: it never started. */
  | 'not-started'
  /** It ran, and the stop ended it there (or its worker went): it started, and was cancelled. */
  | 'cancelled'
  /** It ran and failed of itself before the stop reached it: its failure is its attempt's. */
  | 'failed';

/** A stopped job's failure, by the reason its worker (or BullMQ) gave. */
export function stoppedEnd(reason: string | undefined): StoppedEnd {
  if (reason === NOT_STARTED) return 'not-started';
  if (reason === undefined || reason.startsWith(cancelledOn('')) || reason.startsWith(HANDED_BACK) || /stalled/i.test(reason)) return 'cancelled';
  return 'failed';
}

/** Whether a job's failure comes from its worker having run it: not one refused unrun (its cancel mark, or a part its stopping worker gave back). */
export function ranBeforeFailing(reason: string | undefined): boolean {
  return stoppedEnd(reason) !== 'not-started' && !saysPartNotRun(reason ?? '');
}

/**
 * Names the worker that took a job, to the run (its step_started). Once the run has stopped the job, a
 * worker that took it may still refuse it (its cancel mark), so it is named only if it ran there.
 */
export class TakerNaming {
  /** The run stopped the job (its attempt was aborted). */
  stopping = false;
  private worker: string | undefined;
  /** Its worker's own times, when they are known (it had ended before the stop reached it). */
  private ran: WorkerRun | undefined;
  private said = false;

  constructor(private readonly onWorker: ((worker: string, ran?: WorkerRun) => void) | undefined) {}

  /** A worker took the job. */
  took(worker: string, ran?: WorkerRun): void {
    this.worker = worker;
    this.ran = ran;
    if (!this.stopping) this.say();
  }

  /** It ran on the worker that took it (it ended there). */
  say(): void {
    if (this.said || this.worker === undefined) return;
    this.said = true;
    this.onWorker?.(this.worker, this.ran);
  }

  /**
   * The attempt ended on its worker, which measured it (`ran`, its own clock): the run records that measure, not
   * how late it heard of the end (after a Redis that stalled). Only for a worker named to the run (it ran there).
   */
  ended(ran: WorkerRun | undefined): void {
    if (this.said && this.worker !== undefined && ran?.endedAtMs !== undefined) this.onWorker?.(this.worker, { ...ran, live: true });
  }

  /** What a stopped job's failure rejects its attempt with: the stop itself unless it failed of itself there. */
  failure(reason: string | undefined, stop: unknown, error: (reason: string | undefined) => unknown): unknown {
    const end = stoppedEnd(reason);
    if (end !== 'not-started') this.say();
    return end === 'failed' ? error(reason) : stop;
  }
}

/** The times of a job that ended on its worker before the run's stop reached it (its start and end there). */
export function endedRun(job: { readonly processedOn?: number; readonly finishedOn?: number }): WorkerRun | undefined {
  return job.processedOn === undefined ? undefined : { startedAtMs: job.processedOn, ...(job.finishedOn !== undefined ? { endedAtMs: job.finishedOn } : {}) };
}
