import type { Plan } from '../planning/schema.js';
import type { RunState } from '../planning/state.js';
import { doneStepIds } from '../planning/undone-steps.js';
import { stepOutputReads, type StepOutputReads } from '../planning/output-reads.js';
import { describeMaskedSteps, maskedStepsOnResume } from './masked-steps.js';
import { leavesOf, REDACTED } from './redact.js';
import type { RunRecord } from './run-record.js';

/**
 * A step that printed a secret (`kubectl create token`, `gh auth token`, a credential-shaped text) has its output
 * stored with *** in its place, and ksa keeps no copy: within the run the real value is passed on, but a resumed run
 * (or a rollback run from the record) would pass the three stars to the steps that read it, and they would run
 * with them, without a word. Such a read must not be run from the record.
 */
export type MaskedOutputRead = {
  /** The step that reads it (or whose rollback does). */
  readonly reader: string;
  readonly rollback: boolean;
  /** The step whose stored output lost a secret. */
  readonly output: string;
};

type Masked = RunRecord['masked'];

/**
 * The steps whose stored output (or the part of it a fan-out had, `succeededOn`) lost a secret: those the record notes;
 * for an older build's record, which does not say, any holding `***` (a `***` a tool printed cannot be told from one
 * ksa wrote there). The part a fan-out had is never noted: read by its ***.
 */
function maskedOutputs(saved: Pick<RunState, 'steps'>, masked: Masked): (id: string) => boolean {
  const noted = masked?.outputs === undefined ? undefined : new Set(masked.outputs);
  const holds = (value: unknown) => value !== undefined && leavesOf(value).some((leaf) => typeof leaf === 'string' && leaf.includes(REDACTED));
  return (id) => {
    const st = saved.steps[id];
    if (st === undefined) return false;
    return (noted ? noted.has(id) : holds(st.output)) || holds(st.succeededOn);
  };
}

/**
 * What resuming a stopped run would feed with an output stored as ***: the steps that run again read the outputs of
 * the steps done for good (those are not run again), and so do the rollbacks of both (a failure now undoes them).
 */
export function maskedOutputReadsOnResume(plan: Pick<Plan, 'steps'>, saved: Pick<RunState, 'steps'>, masked: Masked): MaskedOutputRead[] {
  const done = new Set(doneStepIds(saved, plan));
  const isMasked = maskedOutputs(saved, masked);
  const kept = plan.steps.filter((step) => done.has(step.id) && saved.steps[step.id]?.status === 'succeeded' && isMasked(step.id)).map((step) => step.id);
  if (kept.length === 0) return [];
  const reads: MaskedOutputRead[] = [];
  for (const step of plan.steps) {
    // A step its `when` skipped stays skipped: it neither runs nor is undone.
    if (done.has(step.id) && saved.steps[step.id]?.status !== 'succeeded') continue;
    const of = stepOutputReads(step);
    if (!done.has(step.id)) reads.push(...readsOf(step.id, false, of.step, kept));
    reads.push(...readsOf(step.id, true, of.rollback, kept));
  }
  return reads;
}

/** The rollbacks among `undo` (step ids) that would read an output stored as ***: nothing runs again, so every stored output is as it is read. */
export function maskedOutputReadsOnCancel(plan: Pick<Plan, 'steps'>, saved: Pick<RunState, 'steps'>, undo: readonly string[], masked: Masked): MaskedOutputRead[] {
  const isMasked = maskedOutputs(saved, masked);
  const outputs = plan.steps.filter((step) => isMasked(step.id)).map((step) => step.id);
  if (outputs.length === 0) return [];
  const ids = new Set(undo);
  return plan.steps.filter((step) => ids.has(step.id)).flatMap((step) => readsOf(step.id, true, stepOutputReads(step).rollback, outputs));
}

function readsOf(reader: string, rollback: boolean, reads: StepOutputReads, masked: readonly string[]): MaskedOutputRead[] {
  // One that may read any step's output may read one of these.
  const read = reads.any ? masked : masked.filter((id) => reads.steps.includes(id));
  return read.map((output) => ({ reader, rollback, output }));
}

/** `step c reads the output of step a, which held a secret and was stored as ***`, for a refusal. */
export function describeMaskedOutputReads(reads: readonly MaskedOutputRead[]): string {
  const phrases = reads.map((read) => `${read.rollback ? 'the rollback of ' : ''}step ${read.reader} reads the output of step ${read.output}`);
  const listed = phrases.length === 1 ? phrases[0]! : `${phrases.slice(0, -1).join(', ')} and ${phrases.at(-1)!}`;
  const outputs = new Set(reads.map((read) => read.output)).size;
  return `${listed}, which ${outputs === 1 ? 'held a secret and was' : 'held secrets and were'} stored as ${REDACTED}`;
}

/**
 * What of a stopped run its record cannot resume, having stored it as ***: the steps and rollbacks holding a secret
 * written into the plan, and the reads of outputs that held one; undefined when nothing.
 */
export function maskedOnResume(record: Pick<RunRecord, 'plan' | 'state' | 'masked'>): string | undefined {
  const steps = maskedStepsOnResume(record.plan, record.state, record.masked);
  const reads = maskedOutputReadsOnResume(record.plan, record.state, record.masked);
  const parts = [...(steps.length > 0 ? [describeMaskedSteps(steps)] : []), ...(reads.length > 0 ? [describeMaskedOutputReads(reads)] : [])];
  return parts.length > 0 ? parts.join('; ') : undefined;
}
