import { formatIssue, type Plan } from '../planning/index.js';
import { APPROVAL_MODES, assessPolicy, denialIssues, isApprovalMode, type ApprovalMode, type PlanDecision, type Policy, type PolicyAssessment } from '../policy/rules/index.js';
import { riskOptions, type ToolRegistry } from '../tools/index.js';
import { localUser, planHash, type Approval, type Redactor } from '../store/index.js';
import { askApproval, canPrompt } from './approval.js';
import { CliError } from './errors.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import { writeLine, type CliIO } from './io.js';
import { createStyler, type Styler } from '../tui/style.js';
import { planCardRedactor } from '../tui/plan-lines.js';
import type { PlanFile } from './plan-file.js';
import { formatIssues, locateIssues } from './validation-report.js';
import { plural } from '../planning/plural.js';

/** The flags every command that starts a plan takes. */
export type ApprovalFlags = { readonly yes?: boolean; readonly approve?: string; readonly allowDestroy?: boolean };

export function parseApprovalMode(value: string | undefined): ApprovalMode {
  if (value === undefined) return 'ask';
  if (isApprovalMode(value)) return value;
  throw new CliError({ message: `--approve expects one of ${APPROVAL_MODES.join(', ')}, got "${value}"` });
}

/**
 * Risk and policy decision of a plan run with `inputs`; a denied step is a CliError (exit 2) naming the
 * rule and its file:line, and the step's line in `file` when the plan is known to come from it.
 */
export async function assessOrRefuse(
  plan: Plan,
  policy: Policy,
  mode: ApprovalMode,
  registry: ToolRegistry,
  source: string,
  inputs: Readonly<Record<string, unknown>> = {},
  file?: () => Promise<PlanFile | undefined>,
  workspace?: string,
): Promise<PolicyAssessment> {
  const assessment = await assessPolicy(plan, policy, mode, riskOptions(registry, process.env, workspace), inputs);
  if (assessment.decision.decision === 'deny') throw policyDenial(assessment, source, await file?.());
  return assessment;
}

export function policyDenial(assessment: PolicyAssessment, source: string, file?: PlanFile): CliError {
  const issues = denialIssues(assessment.decision);
  return new CliError({
    message: `${source}: not allowed by the permission policy, ${plural(issues.length, 'step')} denied (nothing was run):`,
    // `plan.yaml:6:5 steps[1]: …`, as ksa validate locates the same problem.
    details: file ? formatIssues(file, locateIssues(file, issues), createStyler(false)).slice(1) : issues.map((issue) => `  ${formatIssue(issue)}`),
  });
}

/** `  ! step: why` for each step that asks whatever the mode: an ask rule holds it, or it destroys. */
export function askingLines(decision: PlanDecision, style: Styler, hide: (text: string) => string = (text) => text): string[] {
  return decision.steps.filter((step) => step.decision === 'ask' && (step.rule || step.level === 'destroy')).map((step) => style.yellow(`  ! ${step.stepId}: ${hide(step.why)}`));
}

export type ApprovalRequest = ApprovalFlags & {
  readonly plan: Plan;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly assessment: PolicyAssessment;
  readonly question: string;
  /** What is approved, for the run record: `ksa run plan.yaml`. */
  readonly command: string;
  readonly style: Styler;
  /** The plan was read from stdin (`ksa run -`): stdin cannot also answer the question, terminal or not. */
  readonly planFromStdin?: boolean;
  /** The secrets known here (the environment's): what the question quotes of the plan hides them, as its card does. */
  readonly redactor?: Redactor;
};

/**
 * Nothing runs without approval. `--yes` approves (never a destroy step without
 * `--allow-destroy`); without it the policy and the mode may (`policy`), or the
 * user at the terminal. Without any: exit 2.
 * The approval is bound to the plan and inputs shown (their hash).
 */
export async function approvePlan(io: CliIO, request: ApprovalRequest): Promise<{ exitCode: ExitCodeValue; approval?: Approval }> {
  const { decision } = request.assessment;
  const mode = decision.mode;
  const base = { planHash: planHash(request.plan, request.inputs), mode, user: localUser(), command: request.command };
  const approved = (approvedBy: string, extra: Partial<Approval> = {}) => ({ exitCode: ExitCode.ok, approval: { ...base, approvedAt: new Date().toISOString(), approvedBy, ...extra } });

  const hide = planCardRedactor({ inputs: { ...request.plan.inputs, ...request.inputs } }, request.redactor).text;
  for (const line of askingLines(decision, request.style, hide)) writeLine(io.stderr, line);
  // --allow-destroy given is recorded even for a plan without destroy steps: a command built at run
  // time is rated again when it is built, and one that destroys runs only in a run approved for that.
  const destroyFlag = request.allowDestroy ? { allowDestroy: true as const } : {};
  // --yes is an answer even where the mode needs none: a command built at run time that an ask rule holds runs on it.
  if (decision.decision === 'allow' && !request.yes) {
    writeLine(io.stderr, request.style.dim(`Approved by the policy: ${decision.why}.`));
    return approved('policy', destroyFlag);
  }
  if (request.yes) {
    if (decision.destroy.length > 0 && !request.allowDestroy) {
      const steps = decision.destroy.join(', ');
      throw new CliError({
        message: `not approved: ${steps} ${decision.destroy.length === 1 ? 'is a destroy step' : 'are destroy steps'} (${decision.steps.find((step) => step.level === 'destroy')?.reason}), and --yes alone never approves those. Add --allow-destroy to approve them too, or approve in a terminal.`,
      });
    }
    return approved('--yes', destroyFlag);
  }
  if (!canPrompt(io) || request.planFromStdin) {
    const noQuestion = request.planFromStdin ? 'stdin holds the plan, so it cannot also answer the question' : 'there is no terminal to ask for approval';
    throw new CliError({
      message: `not approved: this plan runs commands, and ${noQuestion}; ${decision.why}. Review the plan above and pass --yes to run it${decision.destroy.length > 0 ? ' (with --allow-destroy: it destroys things)' : ''}.`,
    });
  }
  if (decision.destroy.length > 0) writeLine(io.stderr, request.style.red(`This plan destroys things: ${decision.destroy.join(', ')} (see the steps marked above). y approves them too.`));
  const answer = await askApproval(io, request.question);
  if (answer === 'interrupted') return { exitCode: ExitCode.interrupted };
  if (answer === 'rejected') {
    io.stderr.write('Not run: the plan was not approved.\n');
    return { exitCode: ExitCode.usage };
  }
  return approved(localUser(), decision.destroy.length > 0 ? { allowDestroy: true } : destroyFlag);
}
