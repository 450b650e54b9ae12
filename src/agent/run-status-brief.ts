import type { runStatusDocument } from '../store/run-status.js';

type StatusDocument = ReturnType<typeof runStatusDocument>;
type StepEntry = StatusDocument['steps'][number];

/** Steps of a run the model is sent in full; a bigger plan is sent as counts and the steps that matter. */
export const STEPS_FOR_MODEL = 40;
const ERROR_CHARS = 600;

/** What needs a look first: failures (of the step or its rollback), then what runs or waits, then the rest. */
const ORDER: Readonly<Record<string, number>> = { failed: 0, running: 1, retrying: 1, cancelled: 2, rolled_back: 3, pending: 4, skipped: 5, succeeded: 6 };

/**
 * A run's status as the model gets it: the whole table of a 10,000-step run is over a megabyte, more than any
 * context window, and "what's the status?" would fail on the model's answer. Past STEPS_FOR_MODEL steps it is
 * counts by status plus the steps that matter, failed and running first; errors are cut to a few lines (the
 * log tail of one step is get_step_error's).
 */
export function statusForModel(doc: StatusDocument): StatusDocument | (Omit<StatusDocument, 'steps'> & { steps: StepEntry[]; stepCounts: Record<string, number>; stepsShown: string }) {
  const cut = (step: StepEntry): StepEntry => (step.error && step.error.length > ERROR_CHARS ? { ...step, error: `${step.error.slice(0, ERROR_CHARS)}… (cut; get_step_error has its log)` } : step);
  if (doc.steps.length <= STEPS_FOR_MODEL) return { ...doc, steps: doc.steps.map(cut) };
  const stepCounts: Record<string, number> = {};
  for (const step of doc.steps) stepCounts[step.status] = (stepCounts[step.status] ?? 0) + 1;
  const rank = (step: StepEntry) => (step.rollback?.status === 'failed' ? -1 : (ORDER[step.status] ?? 7));
  const shown = doc.steps
    .map((step, at) => ({ step, at }))
    .sort((a, b) => rank(a.step) - rank(b.step) || a.at - b.at)
    .slice(0, STEPS_FOR_MODEL)
    .sort((a, b) => a.at - b.at)
    .map(({ step }) => cut(step));
  return { ...doc, stepCounts, steps: shown, stepsShown: `${shown.length} of ${doc.steps.length} steps, in plan order: every failed and running one, then others; stepCounts counts them all by status` };
}
