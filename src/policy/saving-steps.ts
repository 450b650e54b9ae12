import type { Plan } from '../planning/schema.js';

/**
 * Of the steps that save the same file (two steps download `i.sh`), the one a step that runs it gets the file from,
 * for its reason to name: the latest of them the runner depends on, else the latest listed before the runner that
 * does not wait for it. Undefined when every one of them runs after it (then the last one saved is named, as before).
 */
export function savingStepBefore(plan: Plan, savers: readonly string[], runner: string): string | undefined {
  const dependsOn = new Map(plan.steps.map((step) => [step.id, step.dependsOn ?? []] as const));
  const ancestors = reachable(runner, (id) => dependsOn.get(id) ?? []);
  const after = reachable(runner, (id) => plan.steps.filter((step) => (step.dependsOn ?? []).includes(id)).map((step) => step.id));
  const order = plan.steps.map((step) => step.id);
  const listedBefore = (id: string) => order.indexOf(id) < order.indexOf(runner);
  return savers.findLast((id) => ancestors.has(id)) ?? savers.findLast((id) => id !== runner && listedBefore(id) && !after.has(id));
}

/** The steps reached from `start` by `next`, itself left out. */
function reachable(start: string, next: (id: string) => readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...next(start)];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (seen.has(id) || id === start) continue;
    seen.add(id);
    queue.push(...next(id));
  }
  return seen;
}
