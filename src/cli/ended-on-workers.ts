import { noteAttemptWorker, placementOf, rollbackStandsAlone, type Plan, type RunState, type Step, type StepState } from '../planning/index.js';
import type { AttemptEnd, PartEnds } from '../workers/attempt-ends.js';
import type { RedisTarget } from '../workers/redis-connection.js';

/** A fan-out's attempt a dead run was in the middle of: its parts in Redis, by the worker each went to. */
export type FanOutEnded = { readonly attempt: number; readonly parts: PartEnds };

/** stepId → how the attempt a dead run was in the middle of ended on its worker (or its workers), and its number. */
export type EndedOnWorkers = ReadonlyMap<string, (AttemptEnd & { readonly attempt: number }) | FanOutEnded>;

/** The attempt a step was in the middle of on workers, and whether it is a fan-out's (one job per worker). */
function attemptOnWorkers(st: StepState, plan: Plan, stepId: string): { attempt: number; fanOut: boolean } | undefined {
  const step = plan.steps.find((each) => each.id === stepId);
  if (!step || st.status !== 'running' || st.retryAt !== undefined || st.attempts === 0 || st.worker === undefined) return undefined;
  return { attempt: st.attempts, fanOut: placementOf('runsOn' in step ? step : {}, plan).each === true };
}

/**
 * The attempts on workers a run whose process died was in the middle of that their workers ran to their end
 * meanwhile: no ksa heard of it, so only their jobs in Redis tell how and when they ended. A fan-out's parts
 * are all read, ended or not: the step ended only once each had.
 */
export async function endedOnWorkers(target: RedisTarget, runId: string, state: Pick<RunState, 'steps'>, plan: Plan): Promise<EndedOnWorkers> {
  const attempts = new Map<string, number>();
  const fanOuts = new Map<string, number>();
  for (const [id, st] of Object.entries(state.steps)) {
    const on = attemptOnWorkers(st, plan, id);
    if (on) (on.fanOut ? fanOuts : attempts).set(id, on.attempt);
  }
  if (attempts.size === 0 && fanOuts.size === 0) return new Map();
  const { attemptEnds } = await import('../workers/index.js');
  const { ends, parts } = await attemptEnds(target, runId, attempts, fanOuts);
  return new Map<string, (AttemptEnd & { attempt: number }) | FanOutEnded>([
    ...[...ends].map(([id, end]) => [id, { ...end, attempt: attempts.get(id)! }] as const),
    ...[...parts].map(([id, found]) => [id, { attempt: fanOuts.get(id)!, parts: found }] as const),
  ]);
}

/**
 * `ksa cancel` of a dead run records those attempts as a live run would have heard them, at their workers'
 * times (not the cancel's): one that succeeded made its step succeed, with its output, and is rolled back as
 * any succeeded step; one that failed of itself failed its step when it had no attempt left (the run had
 * failed then), else its step was waiting for its retry, which the cancel stops. A fan-out's attempt ended
 * when its last part did, and failed if any part failed (its parts that succeeded are undone with their
 * output); one with a part not ended (or not in Redis) stays cut short by the cancel. Another machine's
 * clock may be ahead: never later than `nowMs`.
 */
export function settleEndedOnWorkers(state: RunState, plan: Plan, ended: EndedOnWorkers, nowMs = Date.now()): void {
  const settled = [...ended].flatMap(([id, end]): { id: string; st: StepState; step: Step; end: WholeEnd; attempt: number }[] => {
    const st = state.steps[id];
    const step = plan.steps.find((each) => each.id === id);
    const on = st && attemptOnWorkers(st, plan, id);
    if (!st || !step || !on || on.attempt !== end.attempt || on.fanOut !== ('parts' in end)) return [];
    const whole = 'parts' in end ? fanOutEnd(st, step, end.parts) : end;
    return whole ? [{ id, st, step, end: whole, attempt: end.attempt }] : [];
  });
  for (const { id, st, step, end, attempt } of settled.sort((a, b) => a.end.endedAtMs - b.end.endedAtMs)) {
    const endedAtMs = Math.min(end.endedAtMs, nowMs);
    const endedAt = new Date(endedAtMs).toISOString();
    noteAttemptWorker(st, attempt, end.worker);
    if (end.startedAtMs !== undefined) st.startedAt = new Date(Math.min(end.startedAtMs, endedAtMs)).toISOString();
    delete st.waitingSince;
    if (end.ok) {
      st.status = 'succeeded';
      st.output = end.output;
      st.endedAt = endedAt;
      delete st.error;
      delete st.succeededOn;
      placeInCompletion(state, id, endedAt);
      continue;
    }
    st.error = end.error;
    // Where its parts succeeded is undone, in its place of completion, as a live run places a fan-out that failed in part.
    if (end.succeededOn) {
      st.succeededOn = { ...st.succeededOn, ...end.succeededOn };
      placeInCompletion(state, id, endedAt);
    }
    const maxAttempts = step.type === 'condition' || end.final ? 1 : (step.retry?.maxAttempts ?? 1);
    if (attempt - (st.earlierAttempts ?? 0) < maxAttempts) {
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

type WholeEnd = AttemptEnd & { readonly succeededOn?: Record<string, unknown> };

/**
 * A fan-out's attempt as a whole once every part went to its end: its output is each worker's, as a live run
 * (or a resume collecting them) builds it; a part that failed fails it as a live run's fan-out fails. With a
 * part not ended, or one of its workers' parts missing from Redis, it is left cut short; but where parts
 * succeeded, a rollback that reads the step's output is still run there, with their outputs (one that reads
 * nothing of it runs on every worker that took a part, as for any step cut short).
 */
function fanOutEnd(st: StepState, step: Step, parts: PartEnds): WholeEnd | undefined {
  const ends = [...parts].sort(([a], [b]) => a.localeCompare(b));
  const succeeded = Object.fromEntries(ends.flatMap(([worker, end]) => (end?.ok ? [[worker, end.output]] : [])));
  const done = ends.flatMap(([, end]) => (end ? [end] : []));
  const takers = st.worker?.split(',') ?? [];
  if (ends.length === 0 || done.length < ends.length || takers.some((worker) => !parts.has(worker))) {
    if (Object.keys(succeeded).length > 0 && !rollbackStandsAlone(step)) st.succeededOn = { ...st.succeededOn, ...succeeded };
    return undefined;
  }
  const worker = ends.map(([name]) => name).join(',');
  const starts = done.flatMap((end) => (end.startedAtMs === undefined ? [] : [end.startedAtMs]));
  const times = { ...(starts.length > 0 ? { startedAtMs: Math.min(...starts) } : {}), endedAtMs: Math.max(...done.map((end) => end.endedAtMs)) };
  const failures = ends.flatMap(([name, end]) => (end && !end.ok ? [{ name, end }] : []));
  if (failures.length === 0) return { worker, ...times, ok: true, output: succeeded };
  return {
    worker,
    ...times,
    ok: false,
    error: `failed on ${failures.length} of ${ends.length} workers: ${failures.map(({ name, end }) => `${name}: ${end.error}`).join('; ')}`,
    final: failures.some(({ end }) => end.final),
    ...(Object.keys(succeeded).length > 0 ? { succeededOn: succeeded } : {}),
  };
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
