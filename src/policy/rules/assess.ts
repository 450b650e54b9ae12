import type { Plan } from '../../planning/index.js';
import { assessPlanRisk, callLineOf, type CommandOf, type PlanRisk, type RiskOptions } from '../index.js';
import { quoteArg } from '../command-line.js';
import { decidePlan, type PlanDecision, type StepCall, type StepFacts } from './decide.js';
import type { ApprovalMode, Policy } from './policy-rule.js';

export type PolicyAssessment = { readonly risk: PlanRisk; readonly decision: PlanDecision };

/** The plan's risk per step, then what the policy and the approval mode decide for it. */
export async function assessPolicy(plan: Plan, policy: Policy, mode: ApprovalMode, riskOptions: RiskOptions): Promise<PolicyAssessment> {
  const risk = await assessPlanRisk(plan, riskOptions);
  return { risk, decision: decidePlan(planFacts(plan, risk, riskOptions.commandOf), policy, mode) };
}

/** Each step's level and the calls it makes (its own, its rollback's), with their command lines as `ksa run` shows them. */
export function planFacts(plan: Plan, risk: PlanRisk, commandOf?: CommandOf): StepFacts[] {
  const call = (role: StepCall['role'], tool: string, args: Readonly<Record<string, unknown>>): StepCall => {
    const command = commandOf?.(tool, args);
    if (command === undefined) return { role, tool, commandLine: callLineOf(tool, args) };
    return { role, tool, commandLine: command.args.map(quoteArg).join(' '), ...(command.program === tool ? {} : { program: command.program }) };
  };
  return plan.steps.map((step, index) => {
    const assessed = risk.steps[step.id] ?? { level: 'write' as const, reason: 'not assessed' };
    const calls: StepCall[] = [];
    if (step.type === undefined || step.type === 'tool_call') {
      calls.push(call('step', step.tool, step.args));
      if (step.rollback) calls.push(call('rollback', step.rollback.tool, step.rollback.args));
    }
    return { stepId: step.id, index, level: assessed.level, reason: assessed.reason, calls };
  });
}

