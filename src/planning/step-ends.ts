import { errorMessage } from './errors.js';
import type { RunEvent } from './events.js';
import { workerOf } from './execution-base.js';
import { hasRollback } from './rollback.js';
import { isPartlyDone, mayBeDone, moveInCompletion, notePartialSuccess } from './partial-success.js';
import { RunStop } from './run-stop.js';

/**
 * How a step ends, under the scheduler (Execution): a success is committed before it is announced and
 * releases its dependents; a failure stops the run; the parts a stopped or failed step had done keep
 * their place in the order of completion, so the rollback undoes them.
 */
export abstract class StepEnds extends RunStop {
  /** Starts what is ready now (the scheduler's). */
  protected abstract pump(): void;

  /** `holdsSlot`: an attempt's success, whose slot is freed once it is committed (condition steps hold none). `endMs`: when it ended, if not now. */
  protected succeed(i: number, attempt: number, output: unknown, durationMs: number, holdsSlot = false, endMs?: number): void {
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
  protected notePartsDoneBeforeStop(i: number, work: Promise<unknown>): void {
    const at = this.state.completed.length;
    work.then(undefined, (error: unknown) => {
      if (!this.finished && notePartialSuccess(this.stepStates[i]!, error)) this.placePartlyDone(i, at);
    });
  }

  /** A step with a rollback that is partly (or may be) done takes its place `at` in the order of completion. */
  protected placePartlyDone(i: number, at: number): void {
    const { step } = this.steps[i]!;
    const st = this.stepStates[i];
    if (hasRollback(step) && (isPartlyDone(st) || mayBeDone(st, step))) moveInCompletion(this.state.completed, step.id, at);
  }

  /** A step stopped between attempts (or before its first, after a resume) keeps the parts it had done to undo. */
  protected override cancelStep(i: number): void {
    super.cancelStep(i);
    if (!this.state.completed.includes(this.steps[i]!.step.id)) this.placePartlyDone(i, this.state.completed.length);
  }

  protected failWithoutAttempt(i: number, error: string): void {
    const st = this.stepStates[i]!;
    const id = this.steps[i]!.step.id;
    st.status = 'failed';
    st.error = error;
    st.endedAt = this.nowIso();
    this.emit({ type: 'step_failed', runId: this.state.runId, ts: st.endedAt, stepId: id, attempt: st.attempts, durationMs: 0, error, timedOut: false });
    this.fail(i, error);
    this.maybeRollback();
  }

  protected fail(i: number, error: string): void {
    if (this.stopping) return;
    this.stopping = 'failed';
    this.state.failedStepId = this.steps[i]!.step.id;
    this.state.error = `step "${this.steps[i]!.step.id}" failed: ${error}`;
    this.stopAll('a step failed');
  }
}
