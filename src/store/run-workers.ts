import type { RunRecord } from './run-record.js';

/**
 * Whether a run's steps went to workers: a Redis recorded, a step a worker ran (a record from before runs kept their
 * Redis), or a step queued for workers that none took yet (a `ksa resume --redis` killed while it waited left its job
 * queued, and the run's Redis unrecorded: going on here would run that step twice, here and on the worker that takes it).
 */
export function sentToWorkers(record: Pick<RunRecord, 'redis' | 'state'>): boolean {
  return record.redis !== undefined || Object.values(record.state.steps).some((st) => st.worker !== undefined || st.waitingSince !== undefined);
}

/**
 * Whether going on with a run may send steps to workers: it sent some, or a step asks for one (runsOn). A run done
 * on this machine alone goes on here, by `ksa resume` as by the chat's /resume: a Redis configured since for other
 * runs is not asked (it may be down), and gets none of its steps.
 */
export function mayUseWorkers(record: Pick<RunRecord, 'redis' | 'state' | 'plan'>): boolean {
  return sentToWorkers(record) || record.plan.runsOn !== undefined || record.plan.steps.some((step) => 'runsOn' in step && step.runsOn !== undefined);
}
