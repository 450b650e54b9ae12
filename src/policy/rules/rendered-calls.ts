import type { Plan, Step } from '../../planning/index.js';
import { withKnownInputs } from '../../planning/known-inputs.js';
import { containsTemplate } from '../../planning/templates.js';
import { builtCallDestroyPlan } from '../plan-destroy-plans.js';
import { FREE_FORM_TOOLS, type RiskOptions } from '../plan-risk.js';
import { maxRisk, type StepRisk } from '../risk-level.js';
import { assessPolicy } from './assess.js';
import { injectedCommands } from './injected-commands.js';
import type { Policy } from './policy-rule.js';

/** A tool call as the run makes it: its arguments rendered. */
export type RenderedCall = { readonly stepId: string; readonly phase: 'run' | 'rollback'; readonly tool: string; readonly args: Readonly<Record<string, unknown>> };

/** What the run was approved for, beyond the steps as shown. */
export type RenderedCallGrant = {
  /** Destroy steps were approved (`--allow-destroy`, or a `y` to a plan that destroys). */
  readonly allowDestroy: boolean;
  /** Someone answered for the run (a `y`, `--yes`): an ask rule's question was put. False when the mode and the policy let it through. */
  readonly asked: boolean;
};

/**
 * The policy for what is only known at run time. A call built from a step's
 * output (`kubectl {{ steps.pick.output.stdout }}`) was rated "built at run
 * time" at approval, where no rule could match it and its level was a guess
 * (`write`). Its rendered form is matched against the deny and ask rules and
 * rated again just before it runs: a denied call, one an ask rule holds in a run
 * no one was asked about, or one that destroys in a run not approved for destroy
 * steps, is refused (one line); calls without such templates were judged at
 * approval and are let through at once.
 */
export function renderedCallCheck(plan: Plan, policy: Policy, riskOptions: RiskOptions, inputs: Readonly<Record<string, unknown>>, grant: RenderedCallGrant): (call: RenderedCall) => Promise<string | undefined> {
  // Allow rules change nothing here: the call was approved as "built at run time", whatever it turns out to be.
  const held: Policy = { ...policy, rules: policy.rules.filter((rule) => rule.effect === 'deny' || (rule.effect === 'ask' && !grant.asked)) };
  // The plan's calls whose arguments are built at run time, as the plan writes them.
  const built = new Map<string, Readonly<Record<string, unknown>>>();
  const known = withKnownInputs(plan, inputs);
  for (const step of known.steps) {
    if (step.type === 'llm_query' || step.type === 'condition') continue;
    if (containsTemplate(step.args)) built.set(`run:${step.id}`, step.args);
    if (step.rollback && containsTemplate(step.rollback.args)) built.set(`rollback:${step.id}`, step.rollback.args);
  }
  return async (call) => {
    const planned = built.get(`${call.phase}:${call.stepId}`);
    if (!planned) return undefined;
    const what = `step ${call.stepId}${call.phase === 'rollback' ? "'s rollback" : ''} as built at run time`;
    const injected = await shellInjection(call, planned, riskOptions);
    if (injected) return `${what} is not the line the plan shows: it ${injected}; a value put into the line became shell code, and nothing was run (give the value to the step in env and write "$NAME" in the command)`;
    if (held.rules.length === 0 && grant.allowDestroy) return undefined;
    const step = { id: call.stepId, tool: call.tool, args: call.args, dependsOn: [] } as unknown as Step;
    const { decision } = await assessPolicy({ ...plan, steps: [step] }, held, 'write', riskOptions);
    const denied = decision.denied[0];
    if (denied) return `${what}, ${denied.why}; nothing was run`;
    const destroys = decision.steps[0];
    if (destroys?.decision === 'ask' && destroys.rule?.effect === 'ask') {
      return `${what}, ${destroys.why}, and the run was let through by the approval mode without a question; nothing was run (approve the run in a terminal or with --yes, or write the command into the plan)`;
    }
    // A typed tool is approved as what it is: `k8s_rollback` of a first deploy (a null revision) deletes what its apply created.
    // But a file written where a step's output says may be the workspace's own rules (.ksa/policy.yaml).
    const level = destroys === undefined ? undefined : maxRisk(destroys, (await appliedDestroyPlan(known, call, riskOptions)) ?? destroys);
    if (level?.level === 'destroy' && !grant.allowDestroy && (FREE_FORM_TOOLS.has(call.tool) || call.tool === 'write_file')) {
      return `${what} destroys (${level.reason}), and the run was approved without destroy steps; nothing was run (write the command into the plan, or approve destroy steps: --allow-destroy)`;
    }
    return undefined;
  };
}

/**
 * The destroy plan another step saves that the built line applies (`terraform apply {{ steps.get.output.stdout }}`
 * built as `terraform apply d.tfplan`): the line alone does not tell.
 */
function appliedDestroyPlan(plan: Plan, call: RenderedCall, riskOptions: RiskOptions): Promise<StepRisk | undefined> {
  if (call.tool !== 'shell' || !riskOptions.parseShell) return Promise.resolve(undefined);
  const workspace = riskOptions.workspace === undefined ? undefined : { path: riskOptions.workspace, ...(riskOptions.realPath ? { realPath: riskOptions.realPath } : {}) };
  return builtCallDestroyPlan(plan, call, riskOptions.parseShell, workspace);
}

/** The commands a `shell` call runs that its plan line does not, said in a few words; undefined when none. */
async function shellInjection(call: RenderedCall, planned: Readonly<Record<string, unknown>>, riskOptions: RiskOptions): Promise<string | undefined> {
  if (call.tool !== 'shell' || typeof planned.command !== 'string' || typeof call.args.command !== 'string' || !riskOptions.parseShell) return undefined;
  const added = await injectedCommands(planned.command, call.args.command, riskOptions.parseShell);
  if (!added || (added.commands.length === 0 && added.dropped.length === 0 && !added.redirects)) return undefined;
  const list = (names: readonly string[]) => {
    const unique = [...new Set(names)];
    return `${unique.slice(0, 3).join(', ')}${unique.length > 3 ? '…' : ''}`;
  };
  const runs = added.commands.length > 0 ? `runs ${list(added.commands)}` : undefined;
  const leaves = added.dropped.length > 0 ? `leaves out its ${list(added.dropped)}` : undefined;
  return [runs, leaves, added.redirects ? 'redirects input or output' : undefined].filter(Boolean).join(' and ');
}
