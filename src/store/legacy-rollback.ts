import { isFinished } from '../planning/state.js';
import type { RunRecord } from './run-record.js';

/**
 * ksa builds before b6430ed did not record when a step's rollback began (`rollbackStartedAt`). A run such a
 * build stopped (kill -9) while it rolled back a failure reads: not finished, a failure recorded, nothing
 * running, no rollback start anywhere, its succeeded steps "succeeded" though their rollbacks may have
 * undone them. Read that way, each succeeded step with a rollback and no rollback result is marked as one
 * whose rollback may have begun (at the failure, the earliest it could), so `ksa resume` runs it again
 * and says why, and `ksa status` shows its rollback cut short, as for a record written today.
 * Today's builds mark the step before its rollback runs, so their records never take this path but
 * between a failure and its first rollback, where running the step again is the safe side.
 */
export function markLegacyRollbackStart(record: RunRecord): void {
  const { state } = record;
  if (isFinished(state.status) || (state.failedStepId === undefined && state.error === undefined)) return;
  const steps = Object.values(state.steps);
  if (steps.some((st) => st.rollbackStartedAt !== undefined || st.status === 'running')) return;
  const failedAt = state.failedStepId !== undefined ? state.steps[state.failedStepId]?.endedAt : undefined;
  for (const step of record.plan.steps) {
    const st = state.steps[step.id];
    if (!st || st.status !== 'succeeded' || st.rollback !== undefined || !('rollback' in step) || !step.rollback) continue;
    st.rollbackStartedAt = failedAt ?? st.endedAt ?? record.createdAt;
  }
}
