import { hasRollback, rollbackTargets } from './rollback.js';
import { isPartlyDone, mayBeDone } from './partial-success.js';
import type { Plan } from './schema.js';
import { isStepDone, rollbackBegun, type RunState, type StepState } from './state.js';
import { undoneSteps } from './undone-steps.js';

/**
 * Steps that were running when the run stopped are run again (at-least-once); finished ones are kept.
 * One whose attempt was cut short by the stop is marked so: if it then fails, that attempt may have
 * done its work all the same, which its rollback undoes (mayBeDone).
 * A fan-out that did not succeed as a whole runs again too, but where it did succeed (and was not
 * undone yet) is kept with its place in the order of completion: like a step that succeeded before
 * the stop, it is undone there if the run fails or is cancelled (`ksa cancel` of an interrupted run).
 */
export function prepareResume(saved: RunState, plan: Plan, resumeFor: 'run' | 'rollback' = 'run'): RunState {
  const state: RunState = structuredClone(saved);
  const forRollback = resumeFor === 'rollback';
  // Done steps that ran on what a rollback undid run again too (a check of a database that is gone).
  const builtOn = new Set(forRollback ? [] : undoneSteps(saved, plan).builtOn);
  for (const step of plan.steps) {
    const st = (state.steps[step.id] ??= { status: 'pending', attempts: 0 });
    // Only to be undone: what had ended stays as it ended (a failure with its error and attempts).
    if (forRollback && ENDED.has(st.status)) continue;
    // A rollback that began may have undone it: it runs again. Should it then not succeed, what is
    // left of its first success is still undone (as for an attempt cut short: mayBeDone).
    const redo = !forRollback && rollbackBegun(st);
    if (!isStepDone(st.status) || redo || builtOn.has(step.id)) {
      const undo = stillToUndo(st);
      const interrupted = redo ? st.attempts : interruptedAttempt(st);
      // Once it has succeeded (and been undone), its next attempt takes a new number: a worker's job
      // of the attempt that succeeded would give back its old result. Those attempts do not count
      // against its retry policy, as a failed step's do not.
      const succeededBefore = !forRollback && (redo || builtOn.has(step.id) || st.status === 'rolled_back' || (st.earlierAttempts !== undefined && st.status !== 'running'));
      // Cancelled where it stood: an attempt cut short counts as made.
      const attempts = forRollback || succeededBefore ? st.attempts : attemptsUsed(st);
      const earlier = succeededBefore ? st.attempts : st.earlierAttempts;
      state.steps[step.id] = {
        status: 'pending',
        attempts,
        // A new go of a step a rollback undid starts its own time (its first go's is not this one's).
        ...(attempts > 0 && st.startedAt && !succeededBefore ? { startedAt: st.startedAt } : {}),
        ...(undo ? { succeededOn: undo } : {}),
        ...(interrupted !== undefined ? { interruptedAttempt: interrupted } : {}),
        ...(earlier ? { earlierAttempts: earlier } : {}),
        // Cancelled where it stood, it still shows where its last attempt ran (a new attempt names its own worker).
        ...(forRollback && st.worker !== undefined ? { worker: st.worker } : {}),
        // Cancelled while waiting for its retry, it still says why its last attempt failed.
        ...(forRollback && st.error !== undefined ? { error: st.error } : {}),
        // Cancelled where it stood, it ended when its process died, not when the cancel reaches it.
        ...(forRollback && st.cutShortAt !== undefined ? { cutShortAt: st.cutShortAt } : {}),
        // The attempts keep their numbers, and so the workers that ran them.
        ...(st.attemptWorkers !== undefined ? { attemptWorkers: st.attemptWorkers } : {}),
      };
    }
  }
  state.completed = state.completed.filter((id) => state.steps[id]?.status === 'succeeded' || state.steps[id]?.succeededOn !== undefined);
  delete state.endedAt;
  if (forRollback && state.failedStepId !== undefined) return state;
  delete state.error;
  delete state.failedStepId;
  return state;
}

const ENDED: ReadonlySet<string> = new Set(['failed', 'cancelled', 'rolled_back']);

/**
 * What cancelling a stopped run rolls back, newest first, as its rollback will: the steps that
 * succeeded, and those cancelled where they stood whose cut-short attempt may have done its work
 * (they are undone first, as the executor places them). `ksa cancel` asks approval for exactly these.
 */
export function rollbackOnCancel(saved: RunState, plan: Plan): string[] {
  const state = prepareResume(saved, plan, 'rollback');
  for (const step of plan.steps) {
    const st = state.steps[step.id]!;
    if (st.status !== 'pending') continue;
    st.status = 'cancelled';
    // As the executor's cancel places it: one whose parts succeeded somewhere is undone there, as one that may be done.
    if (hasRollback(step) && (isPartlyDone(st) || mayBeDone(st, step)) && !state.completed.includes(step.id)) state.completed.push(step.id);
  }
  const byId = new Map(plan.steps.map((step) => [step.id, step]));
  return rollbackTargets(state, (id) => byId.get(id));
}

/**
 * The attempts of its retry policy a step has used up when it goes on: the ones that failed
 * before the stop, so a step waiting for its retry gets its next attempt, not a fresh budget
 * (`maxAttempts: 2` runs it twice in all). An attempt cut short runs again under its number.
 * A step that had failed or was cancelled starts over: resuming is asking for it again.
 */
function attemptsUsed(st: StepState): number {
  if (st.status !== 'running') return 0;
  return st.retryAt !== undefined ? st.attempts : Math.max(0, st.attempts - 1);
}

/**
 * Per step, the attempt the stopped run was in the middle of (as it stopped, not one cut short by an
 * earlier stop): a resume runs it under the same number, and how it ended meanwhile is its end.
 */
export function cutShortAttempts(saved: RunState): Map<string, number> {
  const cut = new Map<string, number>();
  for (const [id, st] of Object.entries(saved.steps)) if (st.status === 'running' && st.retryAt === undefined && st.attempts > 0) cut.set(id, st.attempts);
  return cut;
}

/**
 * The attempt of a step that was in the middle of one when the run stopped (not one waiting for its
 * retry, whose last attempt failed); kept across several resumes until the step ends.
 */
function interruptedAttempt(st: StepState): number | undefined {
  if (st.interruptedAttempt !== undefined && st.rollback?.status !== 'succeeded') return st.interruptedAttempt;
  return st.status === 'running' && st.retryAt === undefined && st.attempts > 0 ? st.attempts : undefined;
}

/** Where a step that did not succeed had succeeded in part, unless its rollback already undid that. */
function stillToUndo(st: StepState): Record<string, unknown> | undefined {
  return st.rollback?.status === 'succeeded' ? undefined : st.succeededOn;
}
