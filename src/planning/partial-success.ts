import { KsaError } from './ksa-error.js';
import type { Step } from './schema.js';
import type { StepState } from './state.js';
import { compileTemplate, templateExpressions } from './templates.js';

/**
 * A call that failed as a whole after some of its parts succeeded (a fan-out
 * that worked on some workers): what each of those parts gave, by name, so
 * that their effects can still be undone.
 */
export class PartialSuccessError extends KsaError {
  readonly succeeded: Readonly<Record<string, unknown>>;
  /** A part was refused where it was to run (RefusedAttemptError): a retry would meet the refusal again. */
  readonly refused: boolean;

  constructor({ message, succeeded, refused = false }: { message: string; succeeded: Readonly<Record<string, unknown>>; refused?: boolean }) {
    super({ name: 'PartialSuccessError', message });
    this.succeeded = succeeded;
    this.refused = refused;
  }
}

/**
 * Keeps, across a step's failed attempts, where its parts succeeded: a retry
 * may fail on a worker an earlier attempt changed, which still needs undoing.
 * True when the error named such parts.
 */
export function notePartialSuccess(st: StepState, error: unknown): boolean {
  if (!PartialSuccessError.isInstance(error) || Object.keys(error.succeeded).length === 0) return false;
  st.succeededOn = { ...st.succeededOn, ...error.succeeded };
  return true;
}

/**
 * A step that did not succeed as a whole but whose parts that did must be
 * undone (its rollback runs on each of them): a fan-out that failed on some
 * workers, or that was stopped (cancelled) while some had finished.
 */
export function isPartlyDone(st: StepState | undefined): boolean {
  return (st?.status === 'failed' || st?.status === 'cancelled') && st.succeededOn !== undefined;
}

/**
 * Puts `id` at `at` in the run's order of completion, out of any earlier
 * place: a step a resumed run carried over as partly done is there already,
 * and ends again (succeeds, or fails or stops once more) later.
 */
export function moveInCompletion(completed: string[], id: string, at: number): void {
  const before = completed.lastIndexOf(id);
  if (before >= 0) {
    completed.splice(before, 1);
    if (before < at) at--;
  }
  completed.splice(Math.min(at, completed.length), 0, id);
}

/**
 * A step that did not succeed after a resume, but whose attempt cut short by the run's stop may have
 * done its work (a container started just before the process was killed): its rollback runs with
 * the others, when it can (rollbackStandsAlone).
 */
export function mayBeDone(st: StepState | undefined, step: Step): boolean {
  if ((st?.status !== 'failed' && st?.status !== 'cancelled') || st.interruptedAttempt === undefined || st.succeededOn !== undefined) return false;
  return rollbackStandsAlone(step);
}

/**
 * A rollback that can run for a step that gave no result: it does not read the step's own output.
 * Rendered empty, `rm -rf "dir/{{ steps.x.output.stdout }}"` would remove the whole folder.
 */
export function rollbackStandsAlone(step: Step): boolean {
  if (step.type === 'condition' || step.type === 'llm_query' || !step.rollback) return false;
  return !templateExpressions(compileTemplate(step.rollback.args)).some((e) => e.references.dynamicStepAccess || e.references.steps.includes(step.id));
}
