import type { RunState } from '../planning/state.js';
import type { RunRecord, RunSummary } from './run-record.js';

// Apart from run-record.ts (its schemas), so writing a run's index entry does not load them.

export function summarize(record: RunRecord): RunSummary {
  const { state } = record;
  return {
    runId: record.runId,
    goal: record.goal,
    status: state.status,
    createdAt: record.createdAt,
    ...(state.startedAt ? { startedAt: state.startedAt } : {}),
    ...(state.endedAt ? { endedAt: state.endedAt } : {}),
    steps: record.plan.steps.length,
    ...(record.sessionId ? { sessionId: record.sessionId } : {}),
  };
}

/**
 * The last time a run recorded doing anything (a step or rollback starting or
 * ending): where a run whose process died stopped, as far as its file tells.
 */
export function lastRecordedAt(state: RunState): string | undefined {
  let last = state.startedAt;
  const later = (time: string | undefined) => {
    if (time !== undefined && (last === undefined || Date.parse(time) > Date.parse(last))) last = time;
  };
  for (const st of Object.values(state.steps)) {
    later(st.startedAt);
    later(st.endedAt);
    later(st.rollback?.startedAt);
    later(st.rollback?.endedAt);
  }
  return last;
}
