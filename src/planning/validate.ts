import { z } from 'zod';
import type { GraphNode } from './graph.js';
import { isRecord } from './values.js';
import { parseStepFast } from './step-fast-path.js';
import { unknownPlanFieldHint, unknownStepFieldHint } from './unknown-field.js';
import { salvageStep } from './step-salvage.js';
import type { FormatMemo } from './obviously-valid.js';
import { fromZodIssue } from './zod-issues.js';
import { literalComparisonWarnings, type ValidationWarning } from './literal-comparisons.js';
import { planInputProblems } from './plan-input-problems.js';
import { DEFAULT_MAX_STEPS, PlanSchema, StepSchema, type Plan, type Step } from './schema.js';
import { sortIssues, type IssueCode, type IssuePath, type ValidationIssue } from './validation-issues.js';
import type { ValidateOptions } from './validate-options.js';
import { dependencyGraph } from './dependency-issues.js';
import { StepChecker } from './step-checker.js';
import { plainlyFine } from './plain-steps.js';

export { formatIssue, formatPath, type IssueCode, type IssuePath, type ValidationIssue } from './validation-issues.js';
export type { ToolCatalog, ValidateOptions } from './validate-options.js';

export type ValidationResult =
  /** `inputs`: those given, each the plan reads as a number and declares without a value read as one (`-2.5`). */
  /** `warnings`: what runs as written but likely not as meant (`inputs.env == 3` with a text: always false). */
  | { readonly ok: true; readonly plan: Plan; readonly issues: readonly []; readonly inputs: Readonly<Record<string, unknown>>; readonly warnings: readonly ValidationWarning[] }
  | { readonly ok: false; readonly plan?: undefined; readonly issues: readonly ValidationIssue[] };

const PlanShellSchema = PlanSchema.extend({ steps: z.array(z.unknown()).min(1, 'a plan needs at least one step') });
/** The same when `steps` is known to be a non-empty array: zod need not copy a 100k-element array item by item. */
const PlanShellWithStepsSchema = PlanSchema.extend({ steps: z.unknown() });

/** Checks a plan document and reports every problem at once, each with its path. */
export function validatePlan(document: unknown, options: ValidateOptions): ValidationResult {
  const issues: ValidationIssue[] = [];
  const add = (code: IssueCode, path: IssuePath, message: string) => issues.push({ code, path, message });

  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    add('invalid_document', [], 'a plan must be an object with "goal" and "steps"');
    return { ok: false, issues };
  }

  if (Object.hasOwn(document, '$schema')) {
    const { $schema, ...plan } = document as Record<string, unknown>;
    if (typeof $schema !== 'string') add('invalid_field', ['$schema'], 'must be a string: the URL or path of the plan\'s JSON Schema (ksa schema writes it)');
    document = plan;
  }
  const stepsField = (document as { steps?: unknown }).steps;
  const shell = (Array.isArray(stepsField) && stepsField.length > 0 ? PlanShellWithStepsSchema : PlanShellSchema).safeParse(document);
  if (!shell.success) for (const issue of shell.error.issues) issues.push(...fromZodIssue(issue, [], document, unknownPlanFieldHint));
  const rawSteps = Array.isArray((document as { steps?: unknown }).steps) ? ((document as { steps: unknown[] }).steps) : [];

  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  if (rawSteps.length > maxSteps) {
    add('too_many_steps', ['steps'], `the plan has ${rawSteps.length} steps; the limit is ${maxSteps} (${options.overLimitHint ?? 'raise it with --max-steps'})`);
  }

  // Each step is parsed on its own so one bad step does not hide the others' problems.
  const steps: (Step | undefined)[] = new Array(rawSteps.length);
  const nodes: GraphNode[] = new Array(rawSteps.length);
  // Steps that plainly need no further check, found while each step is at hand: the check pass skips them.
  const settled = new Uint8Array(rawSteps.length);
  const formatMemo: FormatMemo = new Map();
  let misread = 0; // steps read only in part (a field dropped) or not at all: which inputs they read is not known
  for (let i = 0; i < rawSteps.length; i++) {
    const raw = rawSteps[i];
    const fast = parseStepFast(raw);
    if (fast) {
      steps[i] = fast;
      nodes[i] = fast;
      if (plainlyFine(fast, options.tools, formatMemo)) settled[i] = 1;
      continue;
    }
    const parsed = StepSchema.safeParse(raw);
    if (parsed.success) {
      steps[i] = parsed.data;
      nodes[i] = parsed.data;
      continue;
    }
    misread++;
    for (const issue of parsed.error.issues) issues.push(...fromZodIssue(issue, ['steps', i], raw, unknownStepFieldHint));
    // A step whose faults are an unknown field, its id or an optional field is still checked in full, so its
    // other problems (an unknown tool, missing arguments) show now, not one round of repairs later.
    const node = skeleton(raw, i);
    const salvaged = salvageStep(raw, parsed.error.issues);
    const again = salvaged === undefined ? undefined : StepSchema.safeParse(salvaged);
    // It keeps the id it was written with, so dependencies and references to it still find it.
    if (again?.success) steps[i] = { ...again.data, id: node.id };
    nodes[i] = steps[i] ?? node;
  }

  const graph = dependencyGraph(nodes, add);

  const planInputs: Record<string, unknown> = isRecord((document as { inputs?: unknown }).inputs) ? (document as { inputs: Record<string, unknown> }).inputs : {};
  // JavaScript objects treat `__proto__` as their prototype: such an input is lost on its way to the expressions.
  if (Object.hasOwn(planInputs, '__proto__')) add('invalid_field', ['inputs', '__proto__'], 'is a reserved name (JavaScript objects treat __proto__ specially); choose another input name');
  const declaredInputs = new Set([...Object.keys(planInputs), ...Object.keys(options.inputs ?? {})]);
  const checker = new StepChecker(graph, options, declaredInputs, formatMemo, add);
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (step && settled[i] === 0) checker.check(step, i);
  }
  // Unknown only when every step was read (the plan may read one it does not declare) and its inputs section is a
  // list of names; other problems (a dependency) do not hide it. A wrong value is wrong regardless.
  const inputsField = (document as { inputs?: unknown }).inputs;
  const allRead = Array.isArray(stepsField) && (inputsField === undefined || isRecord(inputsField)) && !checker.unreadable && misread === 0;
  const inputs = planInputProblems(planInputs, options, checker, allRead, add);

  if (issues.length > 0 || !shell.success) return { ok: false, issues: sortIssues(issues) };
  const plan: Plan = { ...shell.data, steps: steps as Step[] };
  const warnings = literalComparisonWarnings(planInputs, inputs, checker.comparisonSites);
  return { ok: true, plan, issues: [], inputs, warnings };
}

/** Enough of a broken step (its id and dependencies) to keep checking the graph around it. */
function skeleton(raw: unknown, index: number): GraphNode {
  const record = isRecord(raw) ? raw : {};
  const id = typeof record.id === 'string' ? record.id : `#${index}`;
  const dependsOn = Array.isArray(record.dependsOn) ? record.dependsOn.filter((d): d is string => typeof d === 'string') : [];
  return { id, dependsOn };
}
