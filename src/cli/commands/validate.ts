// Deep imports: ksa validate loads only the modules it uses (the barrels would bring the executor and the store's records).
import { buildGraph, criticalPathLengths } from '../../planning/graph.js';
import { DEFAULT_MAX_PARALLEL, type Plan } from '../../planning/schema.js';
// The policy's modules (its rules, the risk of commands) load only for a plan that needs them.
import { PolicyFileError } from '../../policy/rules/policy-file-error.js';
import { ksaHome } from '../../store/paths.js';
import type { ToolRegistry } from '../../tools/registry.js';
import { riskOptions } from '../../tools/risk-options.js';
import { CliError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { literalCredentialWarnings } from '../../planning/credential-shapes.js';
import { writeLine, writeWarning, type CliIO } from '../io.js';
import { loadPlan } from '../load-plan.js';
import { openCommandTools } from '../mcp-tools.js';
import { checkEnvNames, parseInputs, parseWholeNumber } from '../options.js';
import { colorEnabled, createStyler } from '../../tui/style.js';
import { formatIssues, issueDocuments } from '../validation-report.js';
import { loadPolicy, unappliedPolicyNote } from '../policy-files.js';
import { redisUrlFor, runsOnWarnings } from '../remote-run.js';
import { planFolder, workspaceOption } from '../workspace-option.js';
import { plural } from '../../planning/plural.js';

export type ValidateFlags = { json?: boolean; input: string[]; maxSteps?: string; allowEnv: string[]; workspace?: string; redis?: string };

export async function validateCommand(io: CliIO, file: string, flags: ValidateFlags): Promise<ExitCodeValue> {
  // The workspace of `ksa run`: --workspace, or the plan's folder (its .mcp.json servers, once trusted, and its .ksa/policy.yaml).
  const workspace = await workspaceOption(io.cwd, flags.workspace, await planFolder(io.cwd, file));
  const tools = await openCommandTools(io, workspace);
  const { registry } = tools;
  const options = { given: parseInputs(flags.input), maxSteps: parseWholeNumber(flags.maxSteps, '--max-steps'), allowedEnv: checkEnvNames(flags.allowEnv), mcp: tools };
  let loaded: Awaited<ReturnType<typeof loadPlan>>;
  try {
    // The permission policy that applies where the plan would run: a denied step makes the plan invalid.
    const policy = await loadPolicy(ksaHome(io.env), workspace);
    const unapplied = unappliedPolicyNote(io.cwd, workspace);
    if (unapplied !== undefined) io.stderr.write(unapplied);
    loaded = await loadPlan(file, registry, { ...options, policy, stdin: io.stdin, workspace });
  } catch (error) {
    // --json promises one JSON document, also when the file cannot be read or parsed.
    if (flags.json && error instanceof PolicyFileError) {
      writeLine(io.stdout, JSON.stringify({ valid: false, file, issues: [{ code: 'policy_file', path: '', message: error.message, file: error.file, line: error.line }] }, null, 2));
      return ExitCode.usage;
    }
    if (!flags.json || !(error instanceof CliError)) throw error;
    const issue = { code: error.location ? 'syntax_error' : 'unreadable_file', path: '', message: error.message, ...error.location };
    writeLine(io.stdout, JSON.stringify({ valid: false, file, issues: [issue] }, null, 2));
    return error.exitCode;
  }
  // With workers configured: runsOn labels no live worker offers are warnings (workers may start later), not errors.
  // A credential typed into a step runs, but is stored as *** and cannot be given again to a resume: said where it is.
  // And an input holding text tested for being equal to a number (always false): run as written, likely not as meant.
  const warnings = loaded.ok ? [...loaded.warnings, ...literalCredentialWarnings(loaded.plan), ...(await runsOnWarnings(() => redisUrlFor(io, flags.redis, ksaHome(io.env)), loaded.plan, registry.catalog()))] : [];
  for (const warning of warnings) writeWarning(io.stderr, warning);
  if (flags.json) {
    // A plan that only the policy denies is well-formed: its steps are rated as a valid plan's (policy check rates them too).
    const doc = loaded.ok
      ? { valid: true, file: loaded.file.displayPath, steps: loaded.plan.steps.length, issues: [], warnings, ...(await riskFields(loaded.plan, registry, loaded.inputs, workspace)) }
      : { valid: false, file: loaded.file.displayPath, issues: issueDocuments(loaded.issues), ...(loaded.plan ? await riskFields(loaded.plan, registry, loaded.inputs, workspace) : {}) };
    writeLine(io.stdout, JSON.stringify(doc, null, 2));
    return loaded.ok ? ExitCode.ok : ExitCode.usage;
  }
  const style = createStyler(colorEnabled(io.stdout, io.env));
  if (!loaded.ok) {
    for (const line of formatIssues(loaded.file, loaded.issues, style)) writeLine(io.stdout, line);
    return ExitCode.usage;
  }
  const { plan } = loaded;
  const graph = buildGraph(plan.steps);
  const longest = Math.max(...criticalPathLengths(graph));
  writeLine(
    io.stdout,
    `${style.green('✓')} ${loaded.file.displayPath}: valid plan, ${plural(plan.steps.length, 'step')}, critical path ${plural(longest, 'step')}, up to ${plan.maxParallel ?? DEFAULT_MAX_PARALLEL} in parallel`,
  );
  return ExitCode.ok;
}

/** The plan's level and, in plan order, each step's `risk` and `riskReason`. */
async function riskFields(plan: Plan, registry: ToolRegistry, inputs: Readonly<Record<string, unknown>>, workspace: string) {
  const [{ assessPlanRisk }, { withKnownInputs }] = await Promise.all([import('../../policy/plan-risk.js'), import('../../planning/known-inputs.js')]);
  // Rated as it will run: with the plan's inputs (and those given with --input) filled in, as policy check does.
  const risk = await assessPlanRisk(withKnownInputs(plan, inputs), riskOptions(registry, process.env, workspace));
  return { risk: risk.level, stepRisks: plan.steps.map((step) => ({ id: step.id, risk: risk.steps[step.id]!.level, riskReason: risk.steps[step.id]!.reason })) };
}
