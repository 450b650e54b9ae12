import type { Plan } from '../../planning/index.js';
import { assessPlanRisk, callLineOf, commandLineOf, type PlanRisk, type RiskOptions } from '../index.js';
import { decidePlan, type PlanDecision, type StepCall, type StepFacts } from './decide.js';
import type { ApprovalMode, Policy } from './policy-rule.js';

export type PolicyAssessment = { readonly risk: PlanRisk; readonly decision: PlanDecision };

/** The plan's risk per step, then what the policy and the approval mode decide for it. */
export async function assessPolicy(plan: Plan, policy: Policy, mode: ApprovalMode, riskOptions: RiskOptions): Promise<PolicyAssessment> {
  const risk = await assessPlanRisk(plan, riskOptions);
  return { risk, decision: decidePlan(planFacts(plan, risk), policy, mode) };
}

/** Each step's level and the calls it makes (its own, its rollback's), with their command lines as `ksa run` shows them. */
export function planFacts(plan: Plan, risk: PlanRisk): StepFacts[] {
  return plan.steps.map((step, index) => {
    const assessed = risk.steps[step.id] ?? { level: 'write' as const, reason: 'not assessed' };
    const calls: StepCall[] = [];
    if (step.type === undefined || step.type === 'tool_call') {
      calls.push({ role: 'step', tool: step.tool, commandLine: commandLineOf(step) });
      if (step.rollback) calls.push({ role: 'rollback', tool: step.rollback.tool, commandLine: callLineOf(step.rollback.tool, step.rollback.args) });
    }
    return { stepId: step.id, index, level: assessed.level, reason: assessed.reason, calls };
  });
}
