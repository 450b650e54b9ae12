import type { Plan } from '../planning/schema.js';
import { validatePlan } from '../planning/validate.js';
import type { Policy } from '../policy/rules/policy-rule.js';
import type { ToolRegistry } from '../tools/registry.js';
import { riskOptions } from '../tools/risk-options.js';
import { CliError } from './errors.js';
import type { CliIO } from './io.js';
import type { CommandTools } from './mcp-tools.js';
import { readPlanFile, type PlanFile } from './plan-file.js';
import { readGivenInputsChecked } from './given-inputs.js';
import { isRecord } from '../planning/values.js';
import { createRedactor, secretInputValues } from '../store/redact.js';
import { colorEnabled, createStyler } from '../tui/style.js';
import { formatIssues, locateIssues, withTextProblems, type LocatedIssue } from './validation-report.js';

export type LoadPlanOptions = {
  /** The values given with --input, as text: read as the plan's defaults are written (readGivenInputs). */
  readonly given?: Readonly<Record<string, string>>;
  readonly maxSteps?: number;
  readonly allowedEnv?: readonly string[];
  /** MCP: start the servers the plan uses before validating, and explain their tools when they are missing. */
  readonly mcp?: Pick<CommandTools, 'prepareFor' | 'explain'>;
  /** The permission policy: a step it denies is a problem of the plan, located like the others. */
  readonly policy?: Policy;
  /** Where a plan named `-` is read from. */
  readonly stdin?: CliIO['stdin'];
  /** The workspace's absolute path (a script the plan runs by its absolute path there is the plan's). */
  readonly workspace?: string;
};

export type LoadedPlan =
  /** `warnings`: what runs as written but likely not as meant, each a line with its place (`plan.yaml:9:11 steps[1].when: …`). */
  | { readonly ok: true; readonly file: PlanFile; readonly plan: Plan; readonly inputs: Record<string, unknown>; readonly warnings: readonly string[] }
  | {
      readonly ok: false;
      readonly file: PlanFile;
      /** The inputs given, read as the plan's defaults are written. */
      readonly inputs: Record<string, unknown>;
      readonly issues: readonly LocatedIssue[];
      /** Set when the plan is well-formed and only the permission policy denies it: its steps can still be rated. */
      readonly plan?: Plan;
    };

/** Reads and validates a plan file; syntax errors throw a CliError, plan problems come back located. */
export async function loadPlan(path: string, registry: ToolRegistry, options: LoadPlanOptions): Promise<LoadedPlan> {
  const file = await readPlanFile(path, options.stdin);
  await options.mcp?.prepareFor(file.document, { validated: true });
  const { inputs: read, problems } = readGivenInputsChecked(isRecord(file.document) ? file.document.inputs : undefined, options.given ?? {});
  const validated = validatePlan(file.document, {
    tools: registry.catalog(),
    inputs: read,
    maxSteps: options.maxSteps,
    allowedEnv: options.allowedEnv,
  });
  // A value refused as a plan file would be (a tag in a list) is one of the plan's problems, reported with the others.
  // Validation reads an input the plan reads as a number as one (`-2.5`): the run gets what was checked.
  const inputs = validated.ok ? { ...validated.inputs } : read;
  const result: typeof validated = problems.length === 0 ? validated : { ok: false, issues: [...problems.map(({ code, message }) => ({ code, path: ['inputs'], message })), ...validated.issues] };
  if (!result.ok || file.problems.length > 0) {
    const issues = options.mcp ? result.issues.map((issue) => options.mcp!.explain(issue, file.document)) : result.issues;
    return { ok: false, file, inputs, issues: withTextProblems(file, locateIssues(file, issues)) };
  }
  if (options.policy && options.policy.rules.length > 0) {
    // Loaded here: most plans run without policy rules, and these modules rate commands (ksa validate starts faster without them).
    const [{ assessPolicy }, { denialIssues }] = await Promise.all([import('../policy/rules/assess.js'), import('../policy/rules/decide.js')]);
    const { decision } = await assessPolicy(result.plan, options.policy, 'ask', riskOptions(registry, process.env, options.workspace), inputs);
    if (decision.decision === 'deny') return { ok: false, file, inputs, issues: locateIssues(file, denialIssues(decision)), plan: result.plan };
  }
  // A warning quotes the plan's text: a secret input's value in it is hidden as the plan card hides it (`== "***"`).
  const hide = createRedactor(secretInputValues({ ...result.plan.inputs, ...inputs })).text;
  const warnings = locateIssues(file, result.warnings.map((warning) => ({ ...warning, code: 'invalid_input' as const }))).map(
    ({ line, column, where, message }) => hide(`${line === undefined ? file.displayPath : `${file.displayPath}:${line}:${column}`} ${where}: ${message}`),
  );
  return { ok: true, file, plan: result.plan, inputs, warnings };
}

/** As loadPlan, but an invalid plan is a CliError (exit 2) listing every problem. */
export async function loadValidPlan(io: CliIO, path: string, registry: ToolRegistry, options: LoadPlanOptions): Promise<{ file: PlanFile; plan: Plan; inputs: Record<string, unknown>; warnings: readonly string[] }> {
  const loaded = await loadPlan(path, registry, options);
  if (loaded.ok) return loaded;
  const style = createStyler(colorEnabled(io.stderr, io.env));
  const [head, ...details] = formatIssues(loaded.file, loaded.issues, style);
  throw new CliError({ message: head!, details });
}
