import { noteAttemptWorker, type RunState } from '../planning/index.js';
import type { RedisTarget } from '../workers/redis-connection.js';

/** What Redis tells of the attempts on workers a dead run was in the middle of: stepId → the worker that took it, or null. */
export type CutShortTakers = ReadonlyMap<string, string | null>;

/**
 * The attempts a run whose process died was in the middle of, with no worker recorded: one of a step sent
 * to workers may be queued still, or a worker may have taken it after the record was last written.
 */
export async function cutShortTakers(target: RedisTarget, runId: string, state: Pick<RunState, 'steps'>): Promise<CutShortTakers> {
  const attempts = new Map(Object.entries(state.steps).flatMap(([id, st]) => (st.status === 'running' && st.retryAt === undefined && st.attempts > 0 && st.worker === undefined ? [[id, st.attempts] as const] : [])));
  if (attempts.size === 0) return new Map();
  const { attemptTakers } = await import('../workers/index.js');
  return attemptTakers(target, runId, attempts);
}

/**
 * `ksa cancel` of a dead run treats those attempts as a live cancel would have: one no worker took did
 * nothing, so it is not undone (it never started); one a worker took is undone on that worker.
 */
export function settleCutShort(state: Pick<RunState, 'steps'>, takers: CutShortTakers): void {
  for (const [id, worker] of takers) {
    const st = state.steps[id];
    if (!st || st.status !== 'running' || st.worker !== undefined) continue;
    if (worker) {
      noteAttemptWorker(st, st.attempts, worker);
    } else {
      st.status = 'pending';
      st.attempts -= 1;
      if (st.attempts === 0) delete st.startedAt;
    }
  }
}
