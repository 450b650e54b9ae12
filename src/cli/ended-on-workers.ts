import { noteAttemptWorker, placementOf, type Plan, type RunState, type StepState } from '../planning/index.js';
import type { AttemptEnd } from '../workers/attempt-ends.js';
import type { RedisTarget } from '../workers/redis-connection.js';

/** stepId → how the attempt a dead run was in the middle of ended on its worker, and its number. */
export type EndedOnWorkers = ReadonlyMap<string, AttemptEnd & { readonly attempt: number }>;

/** The attempt a step was in the middle of on one worker (a fan-out's attempt is many jobs: not read here). */
function attemptOnWorker(st: StepState, plan: Plan, stepId: string): number | undefined {
  const step = plan.steps.find((each) => each.id === stepId);
  if (!step || placementOf('runsOn' in step ? step : {}, plan).each || st.status !== 'running' || st.retryAt !== undefined || st.attempts === 0 || st.worker === undefined) return undefined;
  return st.attempts;
}

/**
 * The attempts on workers a run whose process died was in the middle of that their workers ran to their end
 * meanwhile: no ksa heard of it, so only their jobs in Redis tell how and when they ended.
 */
export async function endedOnWorkers(target: RedisTarget, runId: string, state: Pick<RunState, 'steps'>, plan: Plan): Promise<EndedOnWorkers> {
  const attempts = new Map(Object.entries(state.steps).flatMap(([id, st]) => {
    const attempt = attemptOnWorker(st, plan, id);
    return attempt === undefined ? [] : [[id, attempt] as const];
  }));
  if (attempts.size === 0) return new Map();
  const { attemptEnds } = await import('../workers/index.js');
  const ends = await attemptEnds(target, runId, attempts);
  return new Map([...ends].map(([id, end]) => [id, { ...end, attempt: attempts.get(id)! }]));
}

/**
 * `ksa cancel` of a dead run records those attempts as a live run would have heard them, at their workers'
 * times (not the cancel's): one that succeeded made its step succeed, with its output, and is rolled back as
 * any succeeded step; one that failed of itself failed its step when it had no attempt left (the run had
 * failed then), else its step was waiting for its retry, which the cancel stops. Another machine's clock may
 * be ahead: never later than `nowMs`.
 */
export function settleEndedOnWorkers(state: RunState, plan: Plan, ended: EndedOnWorkers, nowMs = Date.now()): void {
  const order = [...ended].sort(([, a], [, b]) => a.endedAtMs - b.endedAtMs);
  for (const [id, end] of order) {
    const st = state.steps[id];
    if (!st || attemptOnWorker(st, plan, id) !== end.attempt) continue;
    const endedAtMs = Math.min(end.endedAtMs, nowMs);
    const endedAt = new Date(endedAtMs).toISOString();
    noteAttemptWorker(st, end.attempt, end.worker);
    if (end.startedAtMs !== undefined) st.startedAt = new Date(Math.min(end.startedAtMs, endedAtMs)).toISOString();
    delete st.waitingSince;
    if (end.ok) {
      st.status = 'succeeded';
      st.output = end.output;
      st.endedAt = endedAt;
      delete st.error;
      placeInCompletion(state, id, endedAt);
      continue;
    }
    st.error = end.error;
    const step = plan.steps.find((each) => each.id === id)!;
    const maxAttempts = step.type === 'condition' || end.final ? 1 : (step.retry?.maxAttempts ?? 1);
    if (end.attempt - (st.earlierAttempts ?? 0) < maxAttempts) {
      st.retryAt = endedAt;
      continue;
    }
    st.status = 'failed';
    st.endedAt = endedAt;
    if (state.failedStepId === undefined) {
      state.failedStepId = id;
      state.error = `step "${id}" failed: ${end.error}`;
    }
  }
}

/** Succeeded steps are undone newest first: one that ended on its worker goes in by its end among the others. */
function placeInCompletion(state: RunState, id: string, endedAt: string): void {
  const completed = state.completed.filter((each) => each !== id);
  const later = completed.findIndex((each) => {
    const other = state.steps[each]?.endedAt;
    return other !== undefined && other > endedAt;
  });
  completed.splice(later < 0 ? completed.length : later, 0, id);
  state.completed = completed;
}
