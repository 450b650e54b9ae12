import type { Plan } from '../planning/index.js';
import type { PlanRisk } from '../policy/index.js';
import type { ToolDescriber } from './plan-lines.js';
import { usePlanFact } from './use-plan-fact.js';

// A plan's risk does not change.
const assessed = new WeakMap<Plan, PlanRisk>();

/** The plan's risk once assessed (the shell parser loads asynchronously); undefined until then, when the card still marks the tools that run commands. */
export function usePlanRisk(plan: Plan, tools: ToolDescriber): PlanRisk | undefined {
  return usePlanFact(assessed, plan, tools.assess);
}
