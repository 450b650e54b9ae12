import type { Plan, Step } from '../planning/schema.js';
import type { RunState } from '../planning/state.js';
import { doneStepIds } from '../planning/undone-steps.js';
import { leavesOf, REDACTED } from './redact.js';
import type { Replacer } from './private-json-file.js';
import type { RunRecord } from './run-record.js';

/**
 * A secret written literally into a step (a token in a command, a secret input's value typed in by hand) is stored
 * as ***, and ksa keeps no copy of it: a resumed run or a rollback run from the record would run `***` in its place
 * (a shell even reads it as a glob). Such a step, or rollback, must not be run from the record.
 */
export type MaskedStep = { readonly step: string; readonly rollback: boolean };

/** What writing a run's record hid (`RunRecord.masked`); undefined for an older build's record. */
export type MaskedParts = NonNullable<RunRecord['masked']>;

/**
 * What resuming a stopped run would run with a value stored as ***: the steps that run again in full (their
 * arguments, `when`, prompt), and the rollbacks of those and of the steps done before (a failure now undoes them).
 * Those the record says were masked; for an older build's record, which does not say, any holding `***` (a user's
 * own `***` cannot be told from a masked secret there).
 */
export function maskedStepsOnResume(plan: Pick<Plan, 'steps'>, saved: Pick<RunState, 'steps'>, parts?: MaskedParts): MaskedStep[] {
  const done = new Set(doneStepIds(saved, plan));
  const holds = holdersOf(parts);
  const masked: MaskedStep[] = [];
  for (const step of plan.steps) {
    const skipped = done.has(step.id) && saved.steps[step.id]?.status !== 'succeeded';
    if (skipped) continue;
    if (!done.has(step.id) && holds.step(step)) masked.push({ step: step.id, rollback: false });
    if (holds.rollback(step)) masked.push({ step: step.id, rollback: true });
  }
  return masked;
}

/** The rollbacks among `undo` (step ids) that would run with a value stored as ***. */
export function maskedRollbacks(plan: Pick<Plan, 'steps'>, undo: readonly string[], parts?: MaskedParts): MaskedStep[] {
  const ids = new Set(undo);
  const holds = holdersOf(parts);
  return plan.steps.filter((step) => ids.has(step.id) && holds.rollback(step)).map((step) => ({ step: step.id, rollback: true }));
}

/** `step push` / `the rollback of step push`, for a refusal. */
export function describeMaskedSteps(masked: readonly MaskedStep[]): string {
  const names = masked.map((each) => (each.rollback ? `the rollback of step ${each.step}` : `step ${each.step}`));
  const listed = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
  return `${listed} ${names.length === 1 ? 'holds a secret' : 'hold secrets'} written into the plan, stored as ${REDACTED} and not kept`;
}

function holdersOf(parts: MaskedParts | undefined): { step: (step: Step) => boolean; rollback: (step: Step) => boolean } {
  if (parts === undefined) return { step: stepHoldsMask, rollback: rollbackHoldsMask };
  const steps = new Set(parts.steps);
  const rollbacks = new Set(parts.rollbacks);
  return { step: (step) => steps.has(step.id), rollback: (step) => rollbacks.has(step.id) };
}

function stepHoldsMask(step: Step): boolean {
  if (step.type === 'llm_query') return masked(step.when) || masked(step.prompt);
  if (step.type === 'condition') return masked(step.when);
  return masked(step.when) || masked(step.args);
}

function rollbackHoldsMask(step: Step): boolean {
  return (step.type === undefined || step.type === 'tool_call') && step.rollback !== undefined && masked(step.rollback.args);
}

/** Whether any text in the value holds ***. */
function masked(value: unknown): boolean {
  return leavesOf(value).some((leaf) => typeof leaf === 'string' && leaf.includes(REDACTED));
}

/**
 * Adds to `record.masked` what `replacer` (the one its file is written with) hides of its plan and inputs, found by
 * writing them as the file is written and comparing: only a value actually hidden counts, not a `***` the user wrote.
 * An older build's record (none noted) is left to its *** reading. What was noted once stays noted: the stored plan
 * lost it for good.
 */
export function noteMaskedParts(record: Pick<RunRecord, 'plan' | 'inputs' | 'state' | 'masked'>, replacer: Replacer | undefined): void {
  const noted = record.masked;
  if (noted === undefined || replacer === undefined) return;
  const given = { inputs: record.inputs, state: { inputs: record.state.inputs } };
  const written = JSON.parse(JSON.stringify(given, replacer)) as typeof given;
  const inputs = new Set<string>();
  for (const [before, stored] of [
    [given.inputs, written.inputs],
    [given.state.inputs, written.state.inputs],
  ] as const) {
    for (const [name, value] of Object.entries(before)) if (JSON.stringify(value) !== JSON.stringify(stored[name])) inputs.add(name);
  }
  const steps = planMaskedParts(record.plan, replacer);
  record.masked = mergeMaskedParts(noted, { ...steps, inputs: [...inputs] });
}

/** What a plan loses written with a replacer: the same for the same plan (never changed in place) at create, start and approval. */
const plansNoted = new WeakMap<object, WeakMap<object, MaskedParts>>();

function planMaskedParts(plan: RunRecord['plan'], replacer: Replacer): MaskedParts {
  let byReplacer = plansNoted.get(plan);
  if (byReplacer === undefined) plansNoted.set(plan, (byReplacer = new WeakMap()));
  let parts = byReplacer.get(replacer);
  if (parts === undefined) {
    // Written under `plan`, where the record's shape has it. Most plans lose nothing: one comparison of the whole.
    const written = (replacer.hide ? replacer.hide({ plan }) : JSON.parse(JSON.stringify({ plan }, replacer))) as { plan: Plan };
    // `hide` gives the plan itself when it hides nothing in it.
    parts = written.plan === plan || JSON.stringify(written.plan) === JSON.stringify(plan) ? { steps: [], rollbacks: [], inputs: [] } : maskedPlanParts(plan, written.plan);
    byReplacer.set(replacer, parts);
  }
  return parts;
}

/**
 * What of `plan` its stored copy (`stored`: the plan as written, secrets as ***) lost: the steps and rollbacks that
 * would run differently from it, and the plan's inputs whose value changed. Not a `***` the plan writes itself.
 */
export function maskedPlanParts(plan: Pick<Plan, 'steps' | 'inputs'>, stored: Pick<Plan, 'steps' | 'inputs'>): MaskedParts {
  const steps: string[] = [];
  const rollbacks: string[] = [];
  plan.steps.forEach((step, i) => {
    const kept = stored.steps[i] as Record<string, unknown> | undefined;
    if (JSON.stringify(step) === JSON.stringify(kept)) return;
    // Its name and id are not run; everything else of it is.
    const { rollback, name: _name, ...runs } = step as Record<string, unknown>;
    const { rollback: keptRollback, name: _keptName, ...keptRuns } = kept ?? {};
    if (JSON.stringify(runs) !== JSON.stringify(keptRuns)) steps.push(step.id);
    if (JSON.stringify(rollback) !== JSON.stringify(keptRollback)) rollbacks.push(step.id);
  });
  const inputs = Object.entries(plan.inputs ?? {})
    .filter(([name, value]) => JSON.stringify(value) !== JSON.stringify(stored.inputs?.[name]))
    .map(([name]) => name);
  return { steps, rollbacks, inputs };
}

/**
 * Both, each part named once. The outputs are `a`'s (a record's, noted as its steps succeeded) with `b`'s: a record
 * that did not note them from its start (an older build's) still does not, and is read by the *** in them.
 */
export function mergeMaskedParts(a: MaskedParts, b: MaskedParts): MaskedParts {
  const union = (x: readonly string[], y: readonly string[]) => [...new Set([...x, ...y])];
  const outputs = a.outputs === undefined ? {} : { outputs: union(a.outputs, b.outputs ?? []) };
  return { steps: union(a.steps, b.steps), rollbacks: union(a.rollbacks, b.rollbacks), inputs: union(a.inputs, b.inputs), ...outputs };
}
