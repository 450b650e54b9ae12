import { assessPolicy, describeRule, rulesMatchingNoLine, rulesMatchingNoTool, type PolicyRule } from '../../policy/rules/index.js';
import { ksaHome } from '../../store/index.js';
import { riskOptions } from '../../tools/index.js';
import { openCommandTools } from '../mcp-tools.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { writeLine, writeWarning, type CliIO } from '../io.js';
import { loadPlan } from '../load-plan.js';
import { checkEnvNames, parseInputs, parseWholeNumber } from '../options.js';
import { parseApprovalMode } from '../plan-approval.js';
import { loadPolicy, policyFiles, unappliedPolicyNote } from '../policy-files.js';
import { colorEnabled, createStyler, type Styler } from '../../tui/style.js';
import { formatIssues, issueDocuments } from '../validation-report.js';
import { planFolder, workspaceOption } from '../workspace-option.js';

export type PolicyCheckFlags = { json?: boolean; approve?: string; workspace?: string; input: string[]; maxSteps?: string; allowEnv: string[] };

/**
 * `ksa policy check <plan>`: per step, its risk level and why, the rule that
 * decided (file:line) and the outcome; then the plan's. Runs nothing; exit 2
 * when a step is denied (or the plan is invalid).
 */
export async function policyCheckCommand(io: CliIO, file: string, flags: PolicyCheckFlags): Promise<ExitCodeValue> {
  const mode = parseApprovalMode(flags.approve);
  // The validation options of ksa validate and ksa run: a plan they accept is checked here too, not refused.
  const validation = { maxSteps: parseWholeNumber(flags.maxSteps, '--max-steps'), allowedEnv: checkEnvNames(flags.allowEnv) };
  const workspace = await workspaceOption(io.cwd, flags.workspace, await planFolder(io.cwd, file));
  const home = ksaHome(io.env);
  const policy = await loadPolicy(home, workspace);
  const unapplied = unappliedPolicyNote(io.cwd, workspace);
  if (unapplied !== undefined) io.stderr.write(unapplied);
  // The tools `ksa run` would have: the MCP servers' too (a rule like github__* is about them).
  const tools = await openCommandTools(io, workspace);
  const { registry } = tools;
  const loaded = await loadPlan(file, registry, { ...validation, given: parseInputs(flags.input), stdin: io.stdin, mcp: tools, workspace });
  if (!loaded.ok) {
    // --json is one document, as validate's: the plan's problems.
    if (flags.json) {
      writeLine(io.stdout, JSON.stringify({ file: loaded.file.displayPath, valid: false, issues: issueDocuments(loaded.issues) }, null, 2));
      return ExitCode.usage;
    }
    for (const line of formatIssues(loaded.file, loaded.issues, createStyler(colorEnabled(io.stderr, io.env)))) writeLine(io.stderr, line);
    return ExitCode.usage;
  }
  const { risk, decision } = await assessPolicy(loaded.plan, policy, mode, riskOptions(registry, process.env, workspace), loaded.inputs);
  const exitCode = decision.decision === 'deny' ? ExitCode.usage : ExitCode.ok;
  const warnings = [...rulesMatchingNoTool(policy, registry.names()), ...rulesMatchingNoLine(policy)];
  if (!flags.json) for (const warning of warnings) writeWarning(io.stderr, warning);

  if (flags.json) {
    const rule = (found: PolicyRule | undefined) => (found ? { effect: found.effect, tool: found.tool, command: found.command, file: found.source.file, line: found.source.line } : null);
    const doc = {
      file: loaded.file.displayPath,
      mode,
      decision: decision.decision,
      why: decision.why,
      risk: risk.level,
      policyFiles: policy.files,
      warnings,
      steps: decision.steps.map((step) => ({ id: step.stepId, risk: step.level, riskReason: step.reason, decision: step.decision, rule: rule(step.rule), why: step.why })),
    };
    writeLine(io.stdout, JSON.stringify(doc, null, 2));
    return exitCode;
  }

  const style = createStyler(colorEnabled(io.stdout, io.env));
  writeLine(io.stdout, `${style.bold(loaded.file.displayPath)}: ${paint(decision.decision, style)} — ${decision.why}; highest risk ${risk.level}`);
  const present = policy.files;
  writeLine(io.stdout, style.dim(`  policy files: ${present.length > 0 ? present.join(', ') : `none (looked for ${policyFiles(home, workspace).join(' and ')})`}`));
  writeLine(io.stdout);
  const rows = decision.steps.map((step) => [step.stepId, step.level, step.decision, step.rule ? `${describeRule(step.rule)} (${step.rule.source.file}:${step.rule.source.line})` : '–']);
  const header = ['STEP', 'RISK', 'DECISION', 'RULE'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  writeLine(io.stdout, `  ${style.bold(line(header))}`);
  decision.steps.forEach((step, i) => {
    writeLine(io.stdout, `  ${line(rows[i]!)}`);
    writeLine(io.stdout, style.dim(`  ${' '.repeat(widths[0]!)}  ${step.level}: ${step.reason}${step.rule ? '' : `; ${step.why}`}`));
  });
  return exitCode;
}

function paint(decision: string, style: Styler): string {
  return decision === 'deny' ? style.red(decision) : decision === 'ask' ? style.yellow(decision) : style.green(decision);
}
