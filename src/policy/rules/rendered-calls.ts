import type { Plan, Step } from '../../planning/index.js';
import { withKnownInputs } from '../../planning/known-inputs.js';
import { containsTemplate } from '../../planning/templates.js';
import type { RiskOptions } from '../plan-risk.js';
import { assessPolicy } from './assess.js';
import type { Policy } from './policy-rule.js';

/** A tool call as the run makes it: its arguments rendered. */
export type RenderedCall = { readonly stepId: string; readonly phase: 'run' | 'rollback'; readonly tool: string; readonly args: Readonly<Record<string, unknown>> };

/**
 * Deny rules for what is only known at run time. A call built from a step's
 * output (`kubectl {{ steps.pick.output.stdout }}`) was rated "built at run
 * time" at approval, where no rule could match it; its rendered form is
 * matched against the deny rules just before it runs. Returns the refusal of a
 * call they forbid (one line), else undefined; calls without such templates
 * were matched at approval and are let through at once.
 */
export function renderedCallCheck(plan: Plan, policy: Policy, riskOptions: RiskOptions, inputs: Readonly<Record<string, unknown>>): (call: RenderedCall) => Promise<string | undefined> {
  const deny: Policy = { ...policy, rules: policy.rules.filter((rule) => rule.effect === 'deny') };
  if (deny.rules.length === 0) return () => Promise.resolve(undefined);
  const built = new Set<string>();
  for (const step of withKnownInputs(plan, inputs).steps) {
    if (step.type === 'llm_query' || step.type === 'condition') continue;
    if (containsTemplate(step.args)) built.add(`run:${step.id}`);
    if (step.rollback && containsTemplate(step.rollback.args)) built.add(`rollback:${step.id}`);
  }
  return async (call) => {
    if (!built.has(`${call.phase}:${call.stepId}`)) return undefined;
    const step = { id: call.stepId, tool: call.tool, args: call.args, dependsOn: [] } as unknown as Step;
    const { decision } = await assessPolicy({ ...plan, steps: [step] }, deny, 'write', riskOptions);
    const denied = decision.denied[0];
    return denied ? `step ${call.stepId}${call.phase === 'rollback' ? "'s rollback" : ''} as built at run time, ${denied.why}; nothing was run` : undefined;
  };
}
