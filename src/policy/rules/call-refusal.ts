import type { Plan, Step } from '../../planning/index.js';
import type { RiskOptions } from '../plan-risk.js';
import { assessPolicy } from './assess.js';
import type { Policy, PolicyRule } from './policy-rule.js';

/** A call as a worker is handed it: its arguments already rendered. */
export type HandedCall = { readonly tool: string; readonly args: Readonly<Record<string, unknown>> };

/**
 * The deny or ask rule of a policy that matches one call, as a plan's step with
 * that call is matched (its shell parts, its other spellings), or undefined.
 * For whoever runs calls with nobody to ask (`ksa worker`): an ask rule there
 * refuses as a deny rule does. Allow rules and the approval mode play no part.
 */
export async function callRefusal(call: HandedCall, policy: Policy, riskOptions: RiskOptions): Promise<PolicyRule | undefined> {
  const rules = policy.rules.filter((rule) => rule.effect !== 'allow');
  if (rules.length === 0) return undefined;
  const step = { id: 'call', tool: call.tool, args: call.args, dependsOn: [] } as unknown as Step;
  const plan = { goal: 'call', steps: [step] } as unknown as Plan;
  const { decision } = await assessPolicy(plan, { ...policy, rules }, 'write', riskOptions);
  const decided = decision.steps[0];
  // A destroy step is asked without a rule: only a rule refuses here.
  return decided?.rule && decided.decision !== 'allow' ? decided.rule : undefined;
}
