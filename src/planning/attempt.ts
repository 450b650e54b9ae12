import type { Clock } from './clock.js';
import type { CompiledStep } from './compiled-step.js';
import { ABORT_SETTLE_MS } from './abort.js';
import { AttemptTimeoutError } from './errors.js';
import type { ExpressionContext } from './expressions.js';
import { PartialSuccessError } from './partial-success.js';
import { startWork } from './start-work.js';
import type { PauseGate } from './pause-gate.js';
import type { Placement } from './runs-on.js';
import type { InvokeTool, OutputStream, QueryModel, WorkerRun } from './tool-call.js';

export type AttemptEnd = {
  readonly ok: boolean;
  /** The output, or what the work (or the abort) rejected with. */
  readonly value: unknown;
  readonly timedOut: boolean;
  /** Aborted for another reason than its timeout (a failure elsewhere, a cancel). */
  readonly aborted: boolean;
  /** The tool's own promise, which may still be running after an abort. */
  readonly work: Promise<unknown>;
};

export type AttemptOptions = {
  readonly compiled: CompiledStep;
  readonly context: ExpressionContext;
  readonly attempt: number;
  readonly clock: Clock;
  readonly invokeTool: InvokeTool;
  readonly queryModel?: QueryModel;
  readonly onOutput: (line: string, stream: OutputStream) => void;
  readonly placement?: Placement;
  readonly onWorker?: (worker: string, ran?: WorkerRun) => void;
  readonly pause?: PauseGate;
  readonly resumesCutShort?: boolean;
  readonly onEnd: (end: AttemptEnd) => void;
};

/**
 * One attempt of a step: its work raced against its abort and its timeout.
 * Aborts go through `abort()`, which settles the race directly instead of a
 * listener added to and removed from the signal on every attempt (Node's
 * EventTarget makes that a noticeable part of a no-op step's cost).
 */
export class RunningAttempt {
  private readonly controller = new AbortController();
  private rejectRace: ((reason: unknown) => void) | undefined;
  private timedOut = false;
  private cancelTimer: (() => void) | undefined;
  /** Bounds the wait for a stopped attempt's workers to say how it ended there. */
  private cancelStopWait: (() => void) | undefined;
  private ended = false;

  /**
   * Arms the timeout; `start()` then starts the work (the executor announces the attempt in between). A step
   * placed on workers is timed from when a worker takes it: the wait for one is `--worker-wait`'s business.
   */
  constructor(private readonly options: AttemptOptions) {
    if (!options.placement) this.armTimeout();
  }

  /**
   * `ran`: a worker was running the attempt before this process watched it (a takeover): its timeout counts from
   * the worker's start, not afresh. One that had ended there already brings its end with it.
   */
  private armTimeout(ran?: WorkerRun): void {
    const { compiled, attempt, clock } = this.options;
    const timeoutMs = compiled.step.type === 'condition' ? undefined : compiled.step.timeoutMs;
    if (timeoutMs === undefined || this.cancelTimer || this.ended || this.controller.signal.aborted) return;
    const ranMs = ran && ran.endedAtMs === undefined ? Math.max(0, clock.now() - ran.startedAtMs) : 0;
    this.cancelTimer = clock.setTimer(Math.max(0, timeoutMs - ranMs), () => {
      // Stopped already, it waits for its workers' word on how it ended: no timeout of it then.
      if (this.controller.signal.aborted) return;
      this.timedOut = true;
      this.abort(new AttemptTimeoutError({ timeoutMs, attempt }));
    });
  }

  start(): void {
    const { signal } = this.controller;
    const onWorker = this.options.onWorker;
    const taken = (worker: string, ran?: WorkerRun) => {
      this.armTimeout(ran);
      onWorker?.(worker, ran);
    };
    const work = startWork({ ...this.options, signal, ...(this.options.placement ? { onWorker: taken } : {}) });
    const end = (ok: boolean, value: unknown) => {
      this.ended = true;
      this.cancelTimer?.();
      this.cancelStopWait?.();
      this.options.onEnd({ ok, value, timedOut: this.timedOut, aborted: !ok && signal.aborted && !this.timedOut && this.stoppedBy(value), work });
    };
    new Promise<unknown>((resolve, reject) => {
      this.rejectRace = reject;
      work.then(resolve, reject);
    }).then(
      (value) => end(true, value),
      (error) => end(false, error),
    );
  }

  /**
   * Aborts the tool (through its signal) and ends the attempt now, whether or not the tool stops. Except one
   * placed on workers and stopped by the run (not its timeout): a worker may have taken it, even run it to its
   * end, before the stop reached it (the run hears of workers late). It ends when its work says how it ended
   * there (done, failed, stopped, or never taken), or after ABORT_SETTLE_MS as stopped, so that what it did is
   * recorded and undone with the rest.
   */
  abort(reason: unknown): void {
    if (this.controller.signal.aborted) return;
    this.controller.abort(reason);
    if (this.options.placement && !this.timedOut && !this.ended) {
      this.cancelStopWait = this.options.clock.setTimer(ABORT_SETTLE_MS, () => this.rejectRace?.(reason));
      return;
    }
    this.rejectRace?.(this.controller.signal.reason);
  }

  /** Whether the attempt ended by its stop: its work rejected with the stop itself, or (a fan-out) with the parts it stopped. */
  private stoppedBy(value: unknown): boolean {
    return !this.options.placement || value === this.controller.signal.reason || PartialSuccessError.isInstance(value);
  }
}
