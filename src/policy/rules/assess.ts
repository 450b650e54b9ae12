import { hasTemplate, isRecord, type Plan } from '../../planning/index.js';
import { withKnownInputs } from '../../planning/known-inputs.js';
import { assessPlanRisk, callLineOf, type PlanRisk, type RiskOptions } from '../index.js';
import { planScripts, type PlanScript } from '../plan-scripts.js';
import { argvSpellings } from './argv-spellings.js';
import { argvLine } from './kube-spelling.js';
import { absolutePaths, FILE_TOOLS, workspacePath } from './file-path-form.js';
import { sortedArgumentsForm } from './json-key-order.js';
import { quotedTextInert } from './quoted-code.js';
import { shellForms } from './shell-forms.js';
import { urlForms } from './url-forms.js';
import { decidePlan, type CallForm, type PlanDecision, type StepCall, type StepFacts } from './decide.js';
import type { ApprovalMode, Policy } from './policy-rule.js';

export type PolicyAssessment = { readonly risk: PlanRisk; readonly decision: PlanDecision };

/**
 * The plan's risk per step, then what the policy and the approval mode decide for it,
 * for the commands as they will run: with the inputs (the plan's defaults and `inputs`) filled in.
 */
export async function assessPolicy(plan: Plan, policy: Policy, mode: ApprovalMode, riskOptions: RiskOptions, inputs: Readonly<Record<string, unknown>> = {}): Promise<PolicyAssessment> {
  const known = withKnownInputs(plan, inputs);
  const risk = await assessPlanRisk(known, riskOptions);
  return { risk, decision: decidePlan(await planFacts(known, risk, riskOptions, policy.workspace), policy, mode, riskOptions.realPath) };
}

/** Each step's level and the calls it makes (its own, its rollback's), with their command lines as `ksa run` shows them. */
export async function planFacts(plan: Plan, risk: PlanRisk, options: RiskOptions = {}, workspace?: string): Promise<StepFacts[]> {
  const call = async (role: StepCall['role'], tool: string, args: Readonly<Record<string, unknown>>): Promise<StepCall> => {
    if (FILE_TOOLS.has(tool) && typeof args.path === 'string') {
      const resolved = withLineForms({ role, tool, commandLine: callLineOf(tool, args) }, [...new Set([workspacePath(args.path, workspace), workspacePath(args.path, workspace, options.realPath)])]);
      // Only a rule written with an absolute path meets these: `*prod*` is about names in the workspace, not its own folder.
      const absolute = absolutePaths(args.path, workspace, options.realPath).map((commandLine) => ({ tool, commandLine, absolutePath: true as const }));
      return { ...resolved, forms: [...(resolved.forms ?? []), ...absolute] };
    }
    if (tool === 'http' && typeof args.url === 'string') {
      const line = callLineOf(tool, args);
      const method = line.slice(0, line.indexOf(' '));
      return withLineForms({ role, tool, commandLine: line }, urlForms(args.url).map((url) => `${method} ${url}`));
    }
    if (tool === 'shell' && typeof args.command === 'string' && options.parseShell) {
      const inert = await quotedTextInert(args.command, options.parseShell);
      return { role, tool, commandLine: args.command, forms: await shellForms(args.command, options.parseShell, stepEnvironment(args.env)), ...(inert ? { quotedTextInert: true as const } : {}) };
    }
    const command = options.commandOf?.(tool, args);
    if (command === undefined) {
      const line = callLineOf(tool, args);
      const sorted = sortedArgumentsForm(line, args);
      return withForms({ role, tool, commandLine: line, ...(sorted === undefined ? {} : { forms: [{ tool, commandLine: sorted }] }) }, tool, stringArgs(args.args));
    }
    const shown = { role, tool, commandLine: argvLine(command.args), ...(command.program === tool ? {} : { program: command.program }) };
    return withForms(shown, command.program, command.args);
  };
  const facts: StepFacts[] = [];
  const scripts = await planScripts(plan, options.parseShell, options.workspace, options.realPath);
  for (const [index, step] of plan.steps.entries()) {
    const assessed = risk.steps[step.id] ?? { level: 'write' as const, reason: 'not assessed' };
    const calls: StepCall[] = [];
    if (step.type === undefined || step.type === 'tool_call') {
      calls.push(withScriptForms(await call('step', step.tool, step.args), await scriptForms(scripts.get(step.id), options)));
      if (step.rollback) calls.push(await call('rollback', step.rollback.tool, step.rollback.args));
    }
    facts.push({ stepId: step.id, index, level: assessed.level, reason: assessed.reason, calls });
  }
  return facts;
}

/** A script another step writes, run by this step (`sh deploy.sh`): its lines meet deny and ask rules as the step's own would. */
async function scriptForms(scripts: readonly PlanScript[] | undefined, options: RiskOptions): Promise<CallForm[]> {
  const forms: CallForm[] = [];
  for (const script of scripts ?? []) {
    if (script.shell && script.content !== undefined && options.parseShell) forms.push(...(await shellForms(script.content, options.parseShell)));
  }
  return forms;
}

function withScriptForms(call: StepCall, forms: readonly CallForm[]): StepCall {
  if (forms.length === 0) return call;
  // The script's text is not looked into for code in quotes: its forms are split at every `;` too.
  const { quotedTextInert: _inert, ...rest } = call;
  return { ...rest, forms: [...(call.forms ?? []), ...forms] };
}

/** A file tool's path as the tool resolves it (`./.env` is `.env`), an http call's URL as requested: for deny and ask rules. */
function withLineForms(call: StepCall, lines: readonly string[]): StepCall {
  const other = lines.filter((line) => line !== call.commandLine);
  return other.length === 0 ? call : { ...call, forms: other.map((commandLine) => ({ tool: call.tool, commandLine })) };
}

/** A shell step's `env`, each value undefined when filled in only at run time (`{{ steps.x.output }}`). */
function stepEnvironment(env: unknown): ReadonlyMap<string, string | undefined> | undefined {
  if (!isRecord(env)) return undefined;
  return new Map(Object.entries(env).map(([name, value]) => [name, typeof value === 'string' && !hasTemplate(value) ? value : undefined]));
}

function stringArgs(args: unknown): string[] | undefined {
  return Array.isArray(args) && args.every((arg) => typeof arg === 'string') ? args : undefined;
}

/**
 * A kubectl/helm call with its target flags in the one spelling rules are written for (see kubeSpelling);
 * a docker/podman call with its global flags after the command and its management commands both ways (dockerSpellings).
 */
function withForms(call: StepCall, program: string, args: readonly string[] | undefined): StepCall {
  if (args === undefined) return call;
  const spelled = argvSpellings(program, args).map(argvLine).filter((line) => line !== call.commandLine);
  if (spelled.length === 0) return call;
  return { ...call, forms: [...(call.forms ?? []), ...spelled.map((commandLine) => ({ tool: call.tool, ...(call.program ? { program: call.program } : {}), commandLine }))] };
}
