import { KsaError } from './ksa-error.js';
import type { StepState } from './state.js';

/**
 * A call that failed as a whole after some of its parts succeeded (a fan-out
 * that worked on some workers): what each of those parts gave, by name, so
 * that their effects can still be undone.
 */
export class PartialSuccessError extends KsaError {
  readonly succeeded: Readonly<Record<string, unknown>>;

  constructor({ message, succeeded }: { message: string; succeeded: Readonly<Record<string, unknown>> }) {
    super({ name: 'PartialSuccessError', message });
    this.succeeded = succeeded;
  }
}

/**
 * Keeps, across a step's failed attempts, where its parts succeeded: a retry
 * may fail on a worker an earlier attempt changed, which still needs undoing.
 */
export function notePartialSuccess(st: StepState, error: unknown): void {
  if (!PartialSuccessError.isInstance(error) || Object.keys(error.succeeded).length === 0) return;
  st.succeededOn = { ...st.succeededOn, ...error.succeeded };
}

/** A failed step whose parts that succeeded must be undone (its rollback runs on each of them). */
export function isPartlyDone(st: StepState | undefined): boolean {
  return st?.status === 'failed' && st.succeededOn !== undefined;
}
