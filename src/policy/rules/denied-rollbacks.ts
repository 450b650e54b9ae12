import type { Plan } from '../../planning/index.js';
import { withKnownInputs } from '../../planning/known-inputs.js';
import type { PlanRisk, RiskOptions } from '../plan-risk.js';
import { planFacts } from './assess.js';
import { decideStep } from './decide.js';
import type { Policy } from './policy-rule.js';

/**
 * The steps whose rollback the policy denies now, by step id, each with why
 * (the call, the rule and its file:line). A run rolled back in a later process
 * (`ksa cancel` of an interrupted run) meets the policy as it is then, as a
 * resume does: the rollbacks it lists are not run. The rollback alone is
 * judged, not the step, which already ran. A file path is met as the rules
 * see it, from the policy's workspace (`<workspace>/x` is `x`).
 */
export async function deniedRollbacks(plan: Plan, policy: Policy, riskOptions: RiskOptions, inputs: Readonly<Record<string, unknown>>): Promise<ReadonlyMap<string, string>> {
  const deny = policy.rules.filter((rule) => rule.effect === 'deny');
  const denied = new Map<string, string>();
  if (deny.length === 0 || !plan.steps.some((step) => 'rollback' in step && step.rollback)) return denied;
  // Levels play no part in a deny decision: no risk assessment is needed.
  const noRisk: PlanRisk = { level: 'read', steps: {} };
  for (const facts of await planFacts(withKnownInputs(plan, inputs), noRisk, riskOptions, policy.workspace)) {
    const calls = facts.calls.filter((call) => call.role === 'rollback');
    if (calls.length === 0) continue;
    const decision = decideStep({ ...facts, calls }, deny, 'write', policy.workspace === undefined ? undefined : { path: policy.workspace, ...(riskOptions.realPath ? { realPath: riskOptions.realPath } : {}) });
    if (decision.decision === 'deny') denied.set(facts.stepId, decision.why);
  }
  return denied;
}
