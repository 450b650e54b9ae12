import { doneStepIds, type Plan, type RunState, type Step } from '../planning/index.js';
import { REDACTED } from './redact.js';

/**
 * A secret written literally into a step (a token in a command, a secret input's value typed in by hand) is stored
 * as ***, and ksa keeps no copy of it: a resumed run or a rollback run from the record would run `***` in its place
 * (a shell even reads it as a glob). Such a step, or rollback, must not be run from the record.
 */
export type MaskedStep = { readonly step: string; readonly rollback: boolean };

/**
 * What resuming a stopped run would run with a value stored as ***: the steps that run again in full (their
 * arguments and `when`), and the rollbacks of those and of the steps done before (a failure now undoes them).
 * A user's own `***` in a plan cannot be told from a masked secret: it is refused too.
 */
export function maskedStepsOnResume(plan: Pick<Plan, 'steps'>, saved: Pick<RunState, 'steps'>): MaskedStep[] {
  const done = new Set(doneStepIds(saved, plan));
  const masked: MaskedStep[] = [];
  for (const step of plan.steps) {
    const skipped = done.has(step.id) && saved.steps[step.id]?.status !== 'succeeded';
    if (skipped) continue;
    if (!done.has(step.id) && stepHoldsMask(step)) masked.push({ step: step.id, rollback: false });
    if (rollbackHoldsMask(step)) masked.push({ step: step.id, rollback: true });
  }
  return masked;
}

/** The rollbacks among `undo` (step ids) that would run with a value stored as ***. */
export function maskedRollbacks(plan: Pick<Plan, 'steps'>, undo: readonly string[]): MaskedStep[] {
  const ids = new Set(undo);
  return plan.steps.filter((step) => ids.has(step.id) && rollbackHoldsMask(step)).map((step) => ({ step: step.id, rollback: true }));
}

/** `step push` / `the rollback of step push`, for a refusal. */
export function describeMaskedSteps(masked: readonly MaskedStep[]): string {
  const names = masked.map((each) => (each.rollback ? `the rollback of step ${each.step}` : `step ${each.step}`));
  const listed = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
  return `${listed} ${names.length === 1 ? 'holds a secret' : 'hold secrets'} written into the plan, stored as ${REDACTED} and not kept`;
}

function stepHoldsMask(step: Step): boolean {
  if (step.type === 'llm_query') return masked(step.when);
  if (step.type === 'condition') return masked(step.when);
  return masked(step.when) || masked(step.args);
}

function rollbackHoldsMask(step: Step): boolean {
  return (step.type === undefined || step.type === 'tool_call') && step.rollback !== undefined && masked(step.rollback.args);
}

/** Whether any text in the value holds ***; without recursion, as a deep value must not exhaust the stack. */
function masked(value: unknown): boolean {
  const stack = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next === 'string') {
      if (next.includes(REDACTED)) return true;
    } else if (typeof next === 'object' && next !== null) {
      for (const item of Object.values(next)) stack.push(item);
    }
  }
  return false;
}
