import type { Plan, Step } from '../../planning/index.js';
import { withKnownInputs } from '../../planning/known-inputs.js';
import { containsTemplate } from '../../planning/templates.js';
import { FREE_FORM_TOOLS, type RiskOptions } from '../plan-risk.js';
import { assessPolicy } from './assess.js';
import type { Policy } from './policy-rule.js';

/** A tool call as the run makes it: its arguments rendered. */
export type RenderedCall = { readonly stepId: string; readonly phase: 'run' | 'rollback'; readonly tool: string; readonly args: Readonly<Record<string, unknown>> };

/** What the run was approved for, beyond the steps as shown. */
export type RenderedCallGrant = {
  /** Destroy steps were approved (`--allow-destroy`, or a `y` to a plan that destroys). */
  readonly allowDestroy: boolean;
};

/**
 * The policy for what is only known at run time. A call built from a step's
 * output (`kubectl {{ steps.pick.output.stdout }}`) was rated "built at run
 * time" at approval, where no rule could match it and its level was a guess
 * (`write`). Its rendered form is matched against the deny rules and rated
 * again just before it runs: a denied call, or one that destroys in a run not
 * approved for destroy steps, is refused (one line); calls without such
 * templates were judged at approval and are let through at once.
 */
export function renderedCallCheck(plan: Plan, policy: Policy, riskOptions: RiskOptions, inputs: Readonly<Record<string, unknown>>, grant: RenderedCallGrant): (call: RenderedCall) => Promise<string | undefined> {
  const deny: Policy = { ...policy, rules: policy.rules.filter((rule) => rule.effect === 'deny') };
  if (deny.rules.length === 0 && grant.allowDestroy) return () => Promise.resolve(undefined);
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
    const what = `step ${call.stepId}${call.phase === 'rollback' ? "'s rollback" : ''} as built at run time`;
    const denied = decision.denied[0];
    if (denied) return `${what}, ${denied.why}; nothing was run`;
    const destroys = decision.steps[0];
    // A typed tool is approved as what it is: `k8s_rollback` of a first deploy (a null revision) deletes what its apply created.
    // But a file written where a step's output says may be the workspace's own rules (.ksa/policy.yaml).
    if (destroys?.level === 'destroy' && !grant.allowDestroy && (FREE_FORM_TOOLS.has(call.tool) || call.tool === 'write_file')) {
      return `${what} destroys (${destroys.reason}), and the run was approved without destroy steps; nothing was run (write the command into the plan, or approve destroy steps: --allow-destroy)`;
    }
    return undefined;
  };
}
