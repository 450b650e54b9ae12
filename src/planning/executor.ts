import { ABORT_SETTLE_MS, afterDelayAndSettled, UnsettledWork } from './abort.js';
import { RunningAttempt, type AttemptEnd } from './attempt.js';
import { AttemptStart } from './attempt-start.js';
import { RunPauseGate } from './pause-gate.js';
import { retryDelayMs } from './backoff.js';
import { evaluateCondition } from './compiled-step.js';
import { errorMessage, RunCancelledError } from './errors.js';
import { ExpressionEvaluationError } from './expressions.js';
import { RefusedAttemptError } from './refused-attempt.js';
import type { RunEvent } from './events.js';
import { ExecutionBase, workerOf } from './execution-base.js';
import { DEFAULT_MAX_PARALLEL, type RetryPolicy } from './schema.js';
import { hasRollback, rollbackTargets, runRollbacks } from './rollback.js';
import { isPartlyDone, mayBeDone, moveInCompletion, notePartialSuccess, PartialSuccessError } from './partial-success.js';
import type { RunState } from './state.js';
import type { ExecutionOptions } from './execution-options.js';
import type { WorkerRun } from './tool-call.js';

export type { InvokeTool, OutputStream, QueryModel, ToolCall, WorkerRun } from './tool-call.js';
export type { ExecutionOptions } from './execution-options.js';
export { ABORT_SETTLE_MS } from './abort.js';
const NO_RETRY: RetryPolicy = { maxAttempts: 1, initialDelayMs: 0, multiplier: 1, maxDelayMs: 0 };

/**
 * Runs a validated plan: a step starts the moment its dependencies are done,
 * at most maxParallel at once, longest remaining critical path first. On a
 * failure (or cancel) running steps are aborted, the rest cancelled, and the
 * succeeded steps' rollbacks run newest first.
 */
export class Execution extends ExecutionBase {
  private readonly random: () => number;
  private readonly maxParallel: number;
  private readonly attempts = new Map<number, RunningAttempt>();
  private readonly retryTimers = new Map<number, () => void>();
  /** Tool calls that were aborted but have not settled yet: rollback waits for them (bounded). */
  private readonly unsettled: UnsettledWork;
  private running = 0;
  /** Successes waiting for commitSuccess: not announced, dependents not released. */
  private committing = 0;
  /** rollback_started was emitted: a halt from now on cuts a rollback short. */
  private rollbackStarted = false;
  /** Paused is the run's own status, not a second flag beside it (a saved status counts once the run is started). */
  private get paused(): boolean {
    return this.started && this.state.status === 'paused';
  }
  /** What a step waiting for a worker sees of a pause: it is held, not taken. */
  private readonly pauseGate = new RunPauseGate();
  private pumping = false;
  private rollingBack = false;

  constructor(options: ExecutionOptions) {
    super(options);
    this.unsettled = new UnsettledWork(this.clock);
    this.random = options.random ?? Math.random;
    this.maxParallel = Math.max(1, options.maxParallel ?? options.plan.maxParallel ?? DEFAULT_MAX_PARALLEL);
  }

  /** Starts the run (once) and resolves with the final state. */
  start(): Promise<RunState> {
    if (!this.announceStart()) return this.finishedPromise;
    for (let i = 0; i < this.steps.length; i++) {
      if (this.stepStates[i]!.status === 'pending' && this.remaining[i] === 0) this.queue.push(i);
    }
    this.pump();
    return this.finishedPromise;
  }

  /** No new steps start; running steps finish. */
  pause(): void {
    if (this.finished || this.stopping || this.paused || !this.started) return;
    this.state.status = 'paused';
    this.pauseGate.set(true);
    this.emit({ type: 'run_paused', runId: this.state.runId, ts: this.nowIso() });
  }

  resume(): void {
    if (!this.paused || this.finished) return;
    this.state.status = 'running';
    this.pauseGate.set(false);
    this.emit({ type: 'run_resumed', runId: this.state.runId, ts: this.nowIso() });
    this.pump();
  }

  /** Aborts running steps, cancels the rest and rolls back what succeeded. */
  cancel(reason = 'cancelled by the user'): void {
    if (this.finished || this.stopping) return;
    this.announceStart();
    this.beginCancel(reason);
    this.stopAll(reason);
  }

  private pump(): void {
    if (this.pumping || this.finished) return;
    this.pumping = true;
    try {
      while (!this.paused && !this.stopping && this.running < this.maxParallel && this.queue.size > 0) {
        this.startStep(this.queue.pop()!);
      }
    } finally {
      this.pumping = false;
    }
    if (!this.stopping && this.done === this.steps.length && this.running === 0) this.finish('succeeded');
  }

  private startStep(i: number): void {
    const compiled = this.steps[i]!;
    if (this.stepStates[i]!.attempts > 0) return this.runAttempt(i);
    let value: boolean | undefined;
    try {
      value = compiled.when ? evaluateCondition(compiled, this.context) : undefined;
    } catch (error) {
      if (compiled.step.type === 'condition') this.stepStates[i]!.attempts = 1;
      return this.failWithoutAttempt(i, errorMessage(error));
    }
    if (compiled.step.type === 'condition') {
      this.stepStates[i]!.attempts = 1;
      this.emit({ type: 'step_started', runId: this.state.runId, ts: this.nowIso(), stepId: compiled.step.id, attempt: 1 });
      return this.succeed(i, 1, { value }, 0);
    }
    if (value === false) return this.skip(i, `when is false: ${compiled.step.when}`);
    this.runAttempt(i);
  }

  private runAttempt(i: number): void {
    const { step } = this.steps[i]!;
    const st = this.stepStates[i]!;
    const id = step.id;
    const attempt = ++st.attempts;
    st.status = 'running';
    delete st.worker;
    delete st.retryAt;
    this.running++;
    const placement = step.type === 'llm_query' || step.type === 'condition' ? undefined : this.options.placeStep?.(step);
    const start = new AttemptStart({
      clock: this.clock,
      st,
      attempt,
      placed: placement !== undefined,
      iso: (ms) => this.iso(ms),
      finished: () => this.finished,
      emitStarted: (ts, worker, workerStartedAt) => this.emit({ type: 'step_started', runId: this.state.runId, ts, stepId: id, attempt, ...(worker !== undefined ? { worker } : {}), ...(workerStartedAt ? { workerStartedAt } : {}) }),
    });
    const running: RunningAttempt = new RunningAttempt({
      compiled: this.steps[i]!,
      context: this.context,
      attempt,
      clock: this.clock,
      invokeTool: this.options.invokeTool,
      queryModel: this.options.queryModel,
      onOutput: (line, stream) => this.emit({ type: 'step_output', runId: this.state.runId, ts: this.nowIso(), stepId: id, attempt, stream, line }),
      ...(placement ? { placement, pause: this.pauseGate, onWorker: (worker: string, ran?: WorkerRun) => start.tookBy(worker, ran) } : {}),
      ...(this.cutShort.get(id) === attempt ? { resumesCutShort: true } : {}),
      onEnd: (end: AttemptEnd) => {
        this.attempts.delete(i);
        // A success keeps its slot until it is committed: observers never see more than maxParallel running.
        if (!(end.ok && this.options.commitSuccess)) this.running--;
        start.end();
        const unsettled = end.timedOut || end.aborted ? end.work : undefined;
        if (unsettled) {
          this.notePartsDoneBeforeStop(i, unsettled);
          this.unsettled.track(unsettled);
        }
        // Halted: the attempt was abandoned (its process killed) and stays `running` for a resume, not failed by the kill.
        if (!this.finished) this.attemptEnded(i, attempt, start.started ? { startMs: start.startMs, endMs: start.endMs() } : undefined, end.ok, end.value, end.timedOut, end.aborted, unsettled);
      },
    });
    this.attempts.set(i, running);
    start.begin();
    running.start();
  }

  /**
   * `ran`: when the attempt started and ended (its worker's times for one that ended before this process watched
   * it; none for one no worker took: it never started, and has no duration); its events are stamped now. `unsettled`: the work of an attempt that timed out or was aborted, which may
   * still be stopping.
   */
  private attemptEnded(
    i: number,
    attempt: number,
    ran: { readonly startMs: number; readonly endMs: number } | undefined,
    ok: boolean,
    value: unknown,
    timedOut: boolean,
    aborted: boolean,
    unsettled?: Promise<unknown>,
  ): void {
    const { step } = this.steps[i]!;
    const st = this.stepStates[i]!;
    const endMs = this.clock.now();
    const durationMs = ran && ran.endMs - ran.startMs;
    if (ok) {
      this.succeed(i, attempt, value === undefined ? null : value, durationMs ?? 0, true, ran?.endMs);
    } else if (aborted && this.stopping) {
      this.cancelStep(i);
    } else {
      const error = errorMessage(value);
      st.error = error;
      notePartialSuccess(st, value);
      // An expression that failed once fails the same way every time, and so does a call a worker's own rules refuse: no retry.
      const final = step.type === 'condition' || value instanceof ExpressionEvaluationError || RefusedAttemptError.isInstance(value) || (PartialSuccessError.isInstance(value) && value.refused);
      const retry = final ? NO_RETRY : (step.retry ?? NO_RETRY);
      // Counted in this go of the step: an earlier one (undone by a rollback) had its own.
      const made = attempt - (st.earlierAttempts ?? 0);
      if (made < retry.maxAttempts && !this.stopping) {
        const delayMs = retryDelayMs(retry, made, this.random);
        st.retryAt = this.iso(endMs + delayMs);
        this.emit({ type: 'step_retrying', runId: this.state.runId, ts: this.iso(endMs), stepId: step.id, attempt, delayMs, error, ...workerOf(st) });
        // The slot is free while the step waits; it queues again by priority.
        this.retryTimers.set(
          i,
          afterDelayAndSettled(this.clock, delayMs, unsettled, () => {
            this.retryTimers.delete(i);
            this.queue.push(i);
            this.pump();
          }),
        );
      } else {
        st.status = 'failed';
        st.endedAt = this.iso(ran?.endMs ?? endMs);
        // Where it did succeed is undone with the others, in its place in the order of completion.
        this.placePartlyDone(i, this.state.completed.length);
        this.emit({ type: 'step_failed', runId: this.state.runId, ts: this.iso(endMs), stepId: step.id, attempt, ...(durationMs === undefined ? {} : { durationMs }), error, timedOut, ...workerOf(st) });
        this.fail(i, error);
      }
    }
    if (this.stopping) this.maybeRollback();
    else this.pump();
  }

  /** `holdsSlot`: an attempt's success, whose slot is freed once it is committed (condition steps hold none). `endMs`: when it ended, if not now. */
  private succeed(i: number, attempt: number, output: unknown, durationMs: number, holdsSlot = false, endMs?: number): void {
    const st = this.stepStates[i]!;
    const id = this.steps[i]!.step.id;
    const ts = this.nowIso();
    st.status = 'succeeded';
    st.output = output;
    st.endedAt = endMs === undefined ? ts : this.iso(endMs);
    delete st.error;
    // Done everywhere now: a place it had as partly done (carried over by a resume) is given up for this one.
    if (st.succeededOn) moveInCompletion(this.state.completed, id, this.state.completed.length);
    else this.state.completed.push(id);
    delete st.succeededOn;
    const event: RunEvent = { type: 'step_succeeded', runId: this.state.runId, ts, stepId: id, attempt, durationMs, output, ...workerOf(st) };
    const commit = this.options.commitSuccess;
    let pending: Promise<void> | void = undefined;
    if (commit) {
      try {
        pending = commit(id);
      } catch (error) {
        this.committing++;
        return this.commitFailed(i, attempt, durationMs, `could not record its success: ${errorMessage(error)}`, holdsSlot);
      }
    }
    if (!pending) {
      // Committed at once (or nothing to commit): announced now.
      if (commit && holdsSlot) this.running--;
      this.emit(event);
      this.markDone(i, true);
      return;
    }
    this.committing++;
    pending.then(
      () => this.committed(i, event, holdsSlot),
      (error: unknown) => this.commitFailed(i, attempt, durationMs, `could not record its success: ${errorMessage(error)}`, holdsSlot),
    );
  }

  /** The success is on disk: announce it and release the dependents. */
  private committed(i: number, event: RunEvent, holdsSlot: boolean): void {
    this.committing--;
    if (holdsSlot) this.running--;
    if (this.finished) return;
    // Stamped now: events keep their order of time although the commit took a while.
    this.emit({ ...event, ts: this.nowIso() });
    this.markDone(i, true);
    if (this.stopping) this.maybeRollback();
    else this.pump();
  }

  private commitFailed(i: number, attempt: number, durationMs: number, error: string, holdsSlot: boolean): void {
    this.committing--;
    if (holdsSlot) this.running--;
    if (this.finished) return;
    const st = this.stepStates[i]!;
    const id = this.steps[i]!.step.id;
    st.status = 'failed';
    st.error = error;
    delete st.output;
    const at = this.state.completed.lastIndexOf(id);
    if (at >= 0) this.state.completed.splice(at, 1);
    this.emit({ type: 'step_failed', runId: this.state.runId, ts: this.nowIso(), stepId: id, attempt, durationMs, error, timedOut: false });
    this.fail(i, error);
    this.maybeRollback();
  }

  /**
   * An attempt stopped by its timeout or a cancel ends at once, but a fan-out's work settles a moment
   * later (its other parts aborted) naming the workers where it had succeeded: those are undone with
   * the rest, in the place the step took when it was stopped (the rollback waits for this work).
   */
  private notePartsDoneBeforeStop(i: number, work: Promise<unknown>): void {
    const at = this.state.completed.length;
    work.then(undefined, (error: unknown) => {
      if (!this.finished && notePartialSuccess(this.stepStates[i]!, error)) this.placePartlyDone(i, at);
    });
  }

  /** A step with a rollback that is partly (or may be) done takes its place `at` in the order of completion. */
  private placePartlyDone(i: number, at: number): void {
    const { step } = this.steps[i]!;
    const st = this.stepStates[i];
    if (hasRollback(step) && (isPartlyDone(st) || mayBeDone(st, step))) moveInCompletion(this.state.completed, step.id, at);
  }

  /** A step stopped between attempts (or before its first, after a resume) keeps the parts it had done to undo. */
  protected override cancelStep(i: number): void {
    super.cancelStep(i);
    if (!this.state.completed.includes(this.steps[i]!.step.id)) this.placePartlyDone(i, this.state.completed.length);
  }

  private failWithoutAttempt(i: number, error: string): void {
    const st = this.stepStates[i]!;
    const id = this.steps[i]!.step.id;
    st.status = 'failed';
    st.error = error;
    st.endedAt = this.nowIso();
    this.emit({ type: 'step_failed', runId: this.state.runId, ts: st.endedAt, stepId: id, attempt: st.attempts, durationMs: 0, error, timedOut: false });
    this.fail(i, error);
    this.maybeRollback();
  }

  private fail(i: number, error: string): void {
    if (this.stopping) return;
    this.stopping = 'failed';
    this.state.failedStepId = this.steps[i]!.step.id;
    this.state.error = `step "${this.steps[i]!.step.id}" failed: ${error}`;
    this.stopAll('a step failed');
  }

  private stopAll(reason: string): void {
    // Cancelled or failed, a paused run is no longer paused: it is being stopped and rolled back (resume cannot take it up).
    if (this.paused) this.state.status = 'running';
    for (const [i, cancelTimer] of this.retryTimers) {
      cancelTimer();
      this.cancelStep(i);
    }
    this.retryTimers.clear();
    // A step whose retry delay is over but which still waits for a slot is queued, not pending: cancel it too.
    for (const i of this.queue.clear()) if (this.stepStates[i]!.status !== 'pending') this.cancelStep(i);
    this.stepStates.forEach((st, i) => {
      if (st.status === 'pending') this.cancelStep(i);
    });
    for (const running of this.attempts.values()) running.abort(new RunCancelledError({ reason }));
    this.maybeRollback();
  }

  /**
   * Stops at once (a second Ctrl-C): no new step, no rollback, nothing more
   * emitted after run_finished. Running steps are abandoned (the caller kills
   * their processes) and stay `running` in the state, so a resume runs them
   * again. The run ends `interrupted`, or `paused` when it is left paused (a chat quit with its run paused:
   * it ends as a paused run whose process died would, and `ksa resume` continues it). */
  halt(reason?: string, as: 'interrupted' | 'paused' = 'interrupted'): void {
    if (this.finished) return;
    // A rollback under way is cut short too: what it had not undone yet is what the user must see to.
    const left = this.rollbackStarted ? rollbackTargets(this.state, (id) => this.steps[this.graph.indexOf.get(id)!]?.step) : [];
    reason ??= left.length > 0 ? `stopped at once during the rollback; not rolled back: ${left.join(', ')}` : 'stopped at once; rollback did not run';
    this.announceStart();
    for (const cancelTimer of this.retryTimers.values()) cancelTimer();
    this.retryTimers.clear();
    this.queue.clear();
    if (as === 'paused') return this.finish('paused');
    delete this.state.cancelStartedAt; // stopping at once is a choice: the run is left to resume or cancel later
    this.state.error = reason;
    this.finish('interrupted');
  }

  private maybeRollback(): void {
    if (!this.stopping || this.running > 0 || this.committing > 0 || this.rollingBack || this.finished) return;
    this.rollingBack = true;
    void this.unsettled.settled(ABORT_SETTLE_MS)
      .then(() =>
        runRollbacks({
          halted: () => this.finished,
          state: this.state,
          steps: this.steps,
          indexOf: this.graph.indexOf,
          context: this.context,
          clock: this.clock,
          invokeTool: this.options.invokeTool,
          placeStep: this.options.placeStep,
          emit: (event) => {
            if (event.type === 'rollback_started') this.rollbackStarted = true;
            this.emit(event);
          },
        }),
      )
      .then((rollbackFailed) => this.finish(rollbackFailed ? 'rollback_failed' : this.stopping!));
  }
}
