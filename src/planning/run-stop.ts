import { ABORT_SETTLE_MS, UnsettledWork } from './abort.js';
import type { RunningAttempt } from './attempt.js';
import { RunCancelledError } from './errors.js';
import { ExecutionBase } from './execution-base.js';
import type { ExecutionOptions } from './execution-options.js';
import { RunPauseGate } from './pause-gate.js';
import { rollbackTargets, runRollbacks } from './rollback.js';

/**
 * How a run stops, between its book-keeping (ExecutionBase) and its scheduler (Execution): a failure or a
 * cancel aborts the running attempts, cancels the rest and rolls back what succeeded once nothing runs;
 * a halt stops at once, with no rollback.
 */
export abstract class RunStop extends ExecutionBase {
  protected readonly attempts = new Map<number, RunningAttempt>();
  protected readonly retryTimers = new Map<number, () => void>();
  /** Tool calls that were aborted but have not settled yet: rollback waits for them (bounded). */
  protected readonly unsettled: UnsettledWork;
  protected running = 0;
  /** Successes waiting for commitSuccess: not announced, dependents not released. */
  protected committing = 0;
  /** rollback_started was emitted: a halt from now on cuts a rollback short. */
  private rollbackStarted = false;
  /** Paused is the run's own status, not a second flag beside it (a saved status counts once the run is started). */
  protected get paused(): boolean {
    return this.started && this.state.status === 'paused';
  }
  /** What a step waiting for a worker sees of a pause: it is held, not taken. */
  protected readonly pauseGate = new RunPauseGate();
  private rollingBack = false;

  constructor(options: ExecutionOptions) {
    super(options);
    this.unsettled = new UnsettledWork(this.clock);
  }

  /** Aborts running steps, cancels the rest and rolls back what succeeded. */
  cancel(reason = 'cancelled by the user'): void {
    if (this.finished || this.stopping) return;
    this.announceStart();
    this.beginCancel(reason);
    this.stopAll(reason);
  }

  protected stopAll(reason: string): void {
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

  protected maybeRollback(): void {
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
