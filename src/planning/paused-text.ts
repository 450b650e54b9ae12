import { isWaitingForWorker, type RunView } from './run-progress.js';
import type { Step } from './schema.js';

/**
 * What a paused run still does, after "paused: no new step starts; ": running steps finish on their
 * own, while a step between attempts, or one waiting for a worker, waits for the resume (it has not started).
 */
export function pausedDetail(running: readonly string[], retrying: readonly string[], held: readonly string[] = []): string {
  const parts: string[] = [];
  if (running.length > 0) parts.push(`still running (they finish): ${running.join(', ')}`);
  if (retrying.length > 0) parts.push(`waiting to retry once resumed: ${retrying.join(', ')}`);
  // A step placed on workers that none took yet has not started: no worker takes it before the resume.
  if (held.length > 0) parts.push(`waiting for a worker, held until resumed: ${held.join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'nothing is running';
}

/** pausedDetail of a live view (ksa run, the chat's panel and its notice), steps in plan order. */
export function viewPausedDetail(view: RunView): string {
  const ids = (status: string, waiting = false) => view.order.filter((id) => {
    const step = view.steps.get(id)!;
    return step.status === status && isWaitingForWorker(step) === waiting;
  });
  // A step no worker took yet is held by the pause, not running.
  return pausedDetail(ids('running'), ids('retrying'), ids('running', true));
}

type StoredStep = { readonly status: string; readonly retryAt?: string; readonly waitingSince?: string };

/** The attempt a stored step between attempts goes on with: "attempt 2 of 4". */
export function nextAttemptText(step: Step, st: { readonly attempts: number }): string {
  const max = step.type === 'condition' ? undefined : step.retry?.maxAttempts;
  return `attempt ${st.attempts + 1}${max !== undefined ? ` of ${max}` : ''}`;
}

/** A stored step (run.json) that is `running` but between attempts. */
export function waitsForRetry(step: StoredStep | undefined): boolean {
  return step?.status === 'running' && step.retryAt !== undefined;
}

/** A stored step (run.json) that is `running` but queued for workers that none took yet: it has not started. */
export function waitsForWorker(step: StoredStep | undefined): boolean {
  return step?.status === 'running' && step.retryAt === undefined && step.waitingSince !== undefined;
}

/**
 * The `running` steps of a stored run (plan order), split as pausedDetail says them: those an attempt runs,
 * those between attempts, and those no worker took yet (`ksa pause` and `ksa status` say them alike).
 */
export function storedRunningSteps(stepIds: readonly string[], steps: Readonly<Record<string, StoredStep>>): { running: string[]; retrying: string[]; held: string[] } {
  const all = stepIds.filter((id) => steps[id]?.status === 'running');
  const running = all.filter((id) => !waitsForRetry(steps[id]) && !waitsForWorker(steps[id]));
  return { running, retrying: all.filter((id) => waitsForRetry(steps[id])), held: all.filter((id) => waitsForWorker(steps[id])) };
}

type StoppingStep = StoredStep & { readonly rollback?: { readonly status: string } };

/**
 * A live run that failed or was cancelled (its error is set, its status still `running`): no new
 * step starts, running steps are stopped, then what succeeded is undone, newest first.
 */
export function stoppingDetail(stepIds: readonly string[], steps: Readonly<Record<string, StoppingStep>>): string {
  // A step no worker took yet is taken off its queue: it stops too.
  const running = stepIds.filter((id) => steps[id]?.status === 'running' && !waitsForRetry(steps[id]));
  const undone = stepIds.filter((id) => steps[id]?.rollback !== undefined).length;
  if (running.length > 0) return `stopping: no new step starts; waiting for ${running.join(', ')} to stop, then rolling back what succeeded`;
  return `rolling back: undoing what succeeded, newest first${undone > 0 ? ` (${undone} undone so far)` : ''}`;
}
