import type { Plan } from '../planning/index.js';
import type { ToolDescriber } from './plan-lines.js';
import { usePlanFact } from './use-plan-fact.js';

export type PlanWorkers = { readonly lines: readonly string[]; readonly warnings: readonly string[] };

// Read once per plan: the card moved into the history shows what it showed for approval.
const read = new WeakMap<Plan, PlanWorkers>();

/**
 * Where the plan's steps run, when the chat uses workers: read from the live
 * workers for a card that waits for approval (`ask`), else only what is known.
 */
export function usePlanWorkers(plan: Plan, tools: ToolDescriber, ask: boolean): PlanWorkers | undefined {
  return usePlanFact(read, plan, ask ? tools.workers : undefined);
}
