import type { Step } from './schema.js';
import { isStepDone, rollbackBegun, type RunState } from './state.js';

/**
 * What a resume runs again though it had succeeded: the steps a rollback undid, in full
 * (`rolled_back`) or perhaps in part (its rollback began), and the done steps that come after
 * them (a check without a rollback, a step its `when` skipped): they ran on, or were decided by,
 * what is undone now. Both in plan order.
 */
export function undoneSteps(saved: Pick<RunState, 'steps'>, plan: { readonly steps: readonly Step[] }): { readonly undone: string[]; readonly builtOn: string[] } {
  const undone = new Set(plan.steps.filter((step) => {
    const st = saved.steps[step.id];
    return st !== undefined && (st.status === 'rolled_back' || rollbackBegun(st));
  }).map((step) => step.id));
  const dependents = new Map<string, string[]>();
  for (const step of plan.steps) {
    for (const dependency of step.dependsOn) dependents.set(dependency, [...(dependents.get(dependency) ?? []), step.id]);
  }
  const after = new Set<string>();
  const queue = [...undone];
  while (queue.length > 0) {
    for (const next of dependents.get(queue.pop()!) ?? []) {
      if (after.has(next) || undone.has(next)) continue;
      after.add(next);
      queue.push(next);
    }
  }
  const builtOn = plan.steps.filter((step) => after.has(step.id) && isStepDone(saved.steps[step.id]?.status ?? 'pending')).map((step) => step.id);
  return { undone: plan.steps.filter((step) => undone.has(step.id)).map((step) => step.id), builtOn };
}

/**
 * The steps done for good, in plan order: what a resume keeps and does not run again (not a step
 * a rollback may have undone, nor a done step after one). `ksa resume` and the chat's `/resume` say it.
 */
export function doneStepIds(saved: Pick<RunState, 'steps'>, plan: { readonly steps: readonly Step[] }): string[] {
  const { builtOn } = undoneSteps(saved, plan);
  return plan.steps.filter((step) => {
    const st = saved.steps[step.id];
    return st !== undefined && isStepDone(st.status) && !rollbackBegun(st) && !builtOn.includes(step.id);
  }).map((step) => step.id);
}
