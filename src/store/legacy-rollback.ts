import { hasRollback } from '../planning/has-rollback.js';
import { isFinished, type StepState } from '../planning/state.js';
import type { RunRecord } from './run-record.js';

/**
 * The format of the run records this build writes. 2: every rollback's start is recorded
 * (`rollbackStartedAt`) before it runs. Records without one come from builds that may not
 * have recorded it (those before b6430ed did not).
 */
export const RUN_RECORD_FORMAT = 2;

/** How a record of an older ksa was read: the succeeded steps whose rollbacks may have begun, and whether the record says so for sure. */
export type LegacyRollbackReading = { readonly stepIds: readonly string[]; readonly certain: boolean };

// Written by every build's stop at once (a second Ctrl-C), as the run's error.
const STOPPED_BEFORE_ROLLBACK = 'rollback did not run';
const STOPPED_DURING_ROLLBACK = 'stopped at once during the rollback';

const readings = new WeakMap<RunRecord, LegacyRollbackReading>();

/** What markLegacyRollbackStart found in this record, if anything (for `ksa resume` to say). */
export function legacyRollbackReading(record: RunRecord): LegacyRollbackReading | undefined {
  return readings.get(record);
}

/**
 * A run an older ksa left while it was failing (or cancelled), with no rollback start recorded anywhere,
 * may still have had its rollbacks under way: its succeeded steps say "succeeded" though what they did may
 * be gone. Each step whose rollback may have begun is marked as today's builds mark it (rollbackStartedAt),
 * so `ksa status` shows its rollback cut short and `ksa resume` runs it again instead of building on it.
 *
 * - A record of this build (RUN_RECORD_FORMAT) is never read this way: its rollbacks' starts are recorded.
 * - Stopped at once before the rollback (any build says "rollback did not run"): nothing was undone.
 * - Stopped at once during the rollback: a build that records rollback starts would have marked the step
 *   whose rollback was under way, so this one did not; that step (the first not yet rolled back) is marked.
 * - Killed (still `running`) after its failure: its rollbacks may have run, or not yet begun (a build that
 *   records their starts, killed before the first), which the record cannot tell; every succeeded step with
 *   a rollback is marked, the safe side, and the reading is said to be uncertain.
 */
export function markLegacyRollbackStart(record: RunRecord): void {
  const { state } = record;
  if (record.format !== undefined || isFinished(state.status) || (state.failedStepId === undefined && state.error === undefined)) return;
  const steps = Object.values(state.steps);
  if (steps.some((st) => st.rollbackStartedAt !== undefined || st.status === 'running')) return;
  const stoppedAtOnce = state.status === 'interrupted' && state.error !== undefined;
  if (stoppedAtOnce && state.error!.includes(STOPPED_BEFORE_ROLLBACK)) return;
  const stepOf = (id: string) => record.plan.steps.find((step) => step.id === id);
  // The run's rollback targets (planning/rollback.ts rollbackTargets) that succeeded, newest first; read here
  // without that module, which would bring the template engine into every command that reads a record.
  const pending = [...state.completed].reverse().filter((id) => {
    const step = stepOf(id);
    return step !== undefined && hasRollback(step) && state.steps[id]?.status === 'succeeded' && state.steps[id]!.rollback === undefined;
  });
  const certain = stoppedAtOnce && state.error!.startsWith(STOPPED_DURING_ROLLBACK);
  const marked = certain ? pending.slice(0, 1) : pending;
  if (marked.length === 0) return;
  const failedAt = state.failedStepId !== undefined ? state.steps[state.failedStepId]?.endedAt : undefined;
  for (const id of marked) {
    const st: StepState = state.steps[id]!;
    st.rollbackStartedAt = failedAt ?? st.endedAt ?? record.createdAt;
  }
  readings.set(record, { stepIds: record.plan.steps.map((step) => step.id).filter((id) => marked.includes(id)), certain });
}
