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
