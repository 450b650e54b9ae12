import type { LockOwner } from '../store/run-lock.js';
import type { RunRecord } from '../store/run-record.js';
import { runStoppedAt, type LastAlive } from '../store/run-status.js';
import { formatDuration } from './run-view-model.js';

/**
 * How `ksa status` and the chat's `/status` say when a run whose process is gone stopped, alike:
 * `stopped 2026-01-01 00:00:08 · after 8.0s`. A run that recorded its stop (stopped at once) says that
 * time; one an older ksa's process left without a sign of when it died only that it was then or later
 * (`stopped at or after … · after at least …`). Undefined for a live or finished run.
 */
export function runStopLine(record: RunRecord, status: string, owner: LockOwner | undefined, cutShort: ReadonlyMap<string, string>, alive: LastAlive): string | undefined {
  if (owner || (status !== 'interrupted' && status !== 'paused')) return undefined;
  const { state } = record;
  const stoppedAt = state.endedAt ?? runStoppedAt(record, cutShort, alive);
  if (stoppedAt === undefined) return undefined;
  const lowerBound = stopIsLowerBound(record, alive);
  return `stopped ${lowerBound ? 'at or after ' : ''}${stoppedAt.replace('T', ' ').slice(0, 19)} · after ${lowerBound ? 'at least ' : ''}${between(state.startedAt, stoppedAt)}`;
}

/** Whether a step's duration, up to where its dead process cut it short, is only a lower bound: both show it as `≥ …`. */
export function stepDurationIsLowerBound(record: RunRecord, stepId: string, cutShort: ReadonlyMap<string, string>, alive: LastAlive): boolean {
  return record.state.steps[stepId]?.endedAt === undefined && cutShort.has(stepId) && stopIsLowerBound(record, alive);
}

/** Its process kept no sign of life (an older ksa) and recorded no stop of its own: it stopped then or later. */
function stopIsLowerBound(record: RunRecord, alive: LastAlive): boolean {
  return alive.unknown === true && record.state.endedAt === undefined;
}

function between(start: string | undefined, end: string | undefined): string {
  if (!start) return '\u2013';
  return formatDuration((end ? Date.parse(end) : Date.now()) - Date.parse(start));
}
