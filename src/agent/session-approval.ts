import { formatIssue } from '../planning/index.js';
import { assessPolicy, denialIssues, EMPTY_POLICY, type ApprovalMode, type Policy, type PolicyAssessment } from '../policy/rules/index.js';
import { riskOptions, type ToolRegistry } from '../tools/index.js';
import type { ProposedPlan } from './agent-tools.js';

/** What `/approve <mode>` tells the user. */
export const APPROVAL_MODE_NOTES: Record<ApprovalMode, string> = {
  ask: 'Approval mode ask: every plan waits for your y/n.',
  read: 'Approval mode read: plans whose steps only read (or that your policy allows) run without asking; others wait for your y/n.',
  write: 'Approval mode write: only plans with a destroy step wait for your y/n; the others run without asking.',
};

/** Where a session's policy comes from: the files read again each time (readPolicy), or as read once. */
export type PolicySource = { readonly policy?: Policy; readonly readPolicy?: () => Promise<Policy>; readonly tools: ToolRegistry };

/** The policy as its files are now; throws when one became invalid (a run is then refused with its error, never run without rules). */
export async function policyNow(deps: PolicySource): Promise<Policy> {
  return (deps.readPolicy ? await deps.readPolicy() : deps.policy) ?? EMPTY_POLICY;
}

/** The permission policy's verdict on a proposed plan in an approval mode, under the policy as it is now. */
export async function assessProposal(proposal: ProposedPlan, deps: PolicySource, mode: ApprovalMode): Promise<PolicyAssessment> {
  const policy = await policyNow(deps);
  return assessPolicy(proposal.plan, policy, mode, riskOptions(deps.tools, process.env, policy.workspace));
}

/** The notice for a plan the policy denies: why, step by step. */
export function denialNotice(assessment: PolicyAssessment): string {
  return `Not run: the permission policy denies this plan.\n${denialIssues(assessment.decision).map((issue) => `  ${formatIssue(issue)}`).join('\n')}`;
}

/**
 * The steps of an edited plan the policy denies, as problems of the edit: such a plan would
 * only be refused at `y`, so it is treated like one that does not validate. None when the
 * policy lets it be approved, or cannot be checked now (approval checks it again).
 */
export async function editDenials(proposal: ProposedPlan, deps: PolicySource, mode: ApprovalMode): Promise<string[] | undefined> {
  let assessment: PolicyAssessment;
  try {
    assessment = await assessProposal(proposal, deps, mode);
  } catch {
    return undefined;
  }
  return assessment.decision.decision === 'deny' ? denialIssues(assessment.decision).map(formatIssue) : undefined;
}

/**
 * In the read and write modes, a new plan the policy lets through runs
 * without a question (`approvedBy: policy`); anything else (the ask mode, a
 * resumed run, a plan that needs a yes, a policy that cannot be checked)
 * waits for y/n. The policy's assessment when it may run unasked.
 */
export async function unaskedApproval(proposal: ProposedPlan, deps: PolicySource, mode: ApprovalMode): Promise<PolicyAssessment | undefined> {
  if (mode === 'ask' || proposal.resumeRunId) return undefined;
  let assessment: PolicyAssessment;
  try {
    assessment = await assessProposal(proposal, deps, mode);
  } catch {
    return undefined;
  }
  return assessment.decision.decision === 'allow' ? assessment : undefined;
}

/**
 * Why `ask` rules hold a plan, one line per step they hold, naming the rule and its file:line: it waits for
 * y/n whatever the mode, and its card says why. Empty when no rule holds a step, or the policy cannot be read now.
 */
export async function heldReasons(proposal: ProposedPlan, deps: PolicySource, mode: ApprovalMode): Promise<string[]> {
  const held = await assessProposal(proposal, deps, mode).then(
    (assessment) => assessment.decision.steps.filter((step) => step.decision === 'ask' && step.rule?.effect === 'ask'),
    () => [],
  );
  return held.map((step) => `${step.stepId}: ${step.why}`);
}

/** A run `/resume` would offer whose plan the policy now denies: the refusal, said at once instead of a card to approve. */
export async function resumeDenial(proposal: ProposedPlan, deps: PolicySource): Promise<string | undefined> {
  const assessment = await assessProposal(proposal, deps, 'ask').catch(() => undefined);
  return assessment?.decision.decision === 'deny' ? denialNotice(assessment).replace('this plan', `the plan of run ${proposal.resumeRunId}`) : undefined;
}
