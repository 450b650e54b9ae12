import { noteAttemptWorker, type RunState, type StepState } from '../planning/index.js';
import type { RedisTarget } from '../workers/redis-connection.js';

/**
 * What Redis tells of the attempts on workers a dead run may have been in the middle of: stepId → the attempt
 * looked for and the worker that took it, or null.
 */
export type CutShortTakers = ReadonlyMap<string, { readonly attempt: number; readonly worker: string | null }>;

/** A step the record shows as not started, or between attempts: its next attempt's job may be in Redis all the same. */
function mayHaveNextAttempt(st: StepState): boolean {
  return st.status === 'pending' || (st.status === 'running' && st.retryAt !== undefined);
}

/**
 * The attempts a run whose process died was in the middle of, with no worker recorded: one of a step sent
 * to workers may be queued still, or a worker may have taken it after the record was last written. The
 * record may not even have the attempt (the run queued it and died before it wrote so): job ids are
 * `<run>.<step>.<attempt>`, so attempt N+1 of every step not started or between attempts is looked for too.
 */
export async function cutShortTakers(target: RedisTarget, runId: string, state: Pick<RunState, 'steps'>): Promise<CutShortTakers> {
  const attempts = new Map(
    Object.entries(state.steps).flatMap(([id, st]) => {
      if (st.status === 'running' && st.retryAt === undefined && st.attempts > 0 && st.worker === undefined) return [[id, st.attempts] as const];
      return mayHaveNextAttempt(st) ? [[id, st.attempts + 1] as const] : [];
    }),
  );
  if (attempts.size === 0) return new Map();
  const { attemptTakers } = await import('../workers/index.js');
  const takers = await attemptTakers(target, runId, attempts);
  return new Map([...takers].map(([id, worker]) => [id, { attempt: attempts.get(id)!, worker }]));
}

/**
 * `ksa cancel` of a dead run treats those attempts as a live cancel would have: one no worker took did
 * nothing, so it is not undone (it never started); one a worker took is undone on that worker, recorded
 * first if the record did not have it.
 */
export function settleCutShort(state: Pick<RunState, 'steps'>, takers: CutShortTakers): void {
  for (const [id, { attempt, worker }] of takers) {
    const st = state.steps[id];
    if (!st) continue;
    if (attempt > st.attempts) {
      if (!worker || !mayHaveNextAttempt(st)) continue;
      st.status = 'running';
      st.attempts = attempt;
      delete st.retryAt;
      noteAttemptWorker(st, attempt, worker);
      continue;
    }
    if (st.status !== 'running' || st.worker !== undefined) continue;
    if (worker) {
      noteAttemptWorker(st, st.attempts, worker);
    } else {
      st.status = 'pending';
      st.attempts -= 1;
      if (st.attempts === 0) delete st.startedAt;
    }
  }
}
