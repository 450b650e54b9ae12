import { afterDelayAndSettled } from './abort.js';
import { RunningAttempt, type AttemptEnd } from './attempt.js';
import { AttemptStart } from './attempt-start.js';
import { retryDelayMs } from './backoff.js';
import { evaluateCondition } from './compiled-step.js';
import { errorMessage } from './errors.js';
import { ExpressionEvaluationError } from './expressions.js';
import { RefusedAttemptError } from './refused-attempt.js';
import { workerOf } from './execution-base.js';
import { DEFAULT_MAX_PARALLEL, type RetryPolicy } from './schema.js';
import { notePartialSuccess, PartialSuccessError } from './partial-success.js';
import type { RunState } from './state.js';
import type { ExecutionOptions } from './execution-options.js';
import type { WorkerRun } from './tool-call.js';
import { StepEnds } from './step-ends.js';

export type { InvokeTool, OutputStream, QueryModel, ToolCall, WorkerRun } from './tool-call.js';
export type { ExecutionOptions } from './execution-options.js';
export { ABORT_SETTLE_MS } from './abort.js';
const NO_RETRY: RetryPolicy = { maxAttempts: 1, initialDelayMs: 0, multiplier: 1, maxDelayMs: 0 };

/**
 * Runs a validated plan: a step starts the moment its dependencies are done,
 * at most maxParallel at once, longest remaining critical path first. On a
 * failure (or cancel) running steps are aborted, the rest cancelled, and the
 * succeeded steps' rollbacks run newest first (RunStop; how a step ends: StepEnds).
 */
export class Execution extends StepEnds {
  private readonly random: () => number;
  private readonly maxParallel: number;
  private pumping = false;

  constructor(options: ExecutionOptions) {
    super(options);
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

  protected override pump(): void {
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
}
