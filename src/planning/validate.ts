import { z } from 'zod';
import { ancestorIds, buildGraph, createAncestorCheck, descendantIds, type GraphNode, type PlanGraph } from './graph.js';
import { compileExpression } from './expressions.js';
import { containsTemplate, findTemplates, findUnclosedTemplates } from './templates.js';
import { closestMatch, didYouMean, unknownToolMessage } from './suggest.js';
import { isRecord, valueAt } from './values.js';
import { parseStepFast } from './step-fast-path.js';
import { unknownPlanFieldHint, unknownStepFieldHint } from './unknown-field.js';
import { salvageStep } from './step-salvage.js';
import { isObviouslyValid, type FormatMemo } from './obviously-valid.js';
import { fromZodIssue, shapeKeys } from './zod-issues.js';
import { pathHitsTemplate, schemaIssues } from './schema-issues.js';
import type { InputPair } from './number-inputs.js';
import type { ArithmeticGroup } from './arithmetic-groups.js';
import type { NumberReadSite } from './declared-number-reads.js';
import type { MemberNumberReadSite } from './member-number-reads.js';
import { textNumberComparisonWarnings, type NumberComparisonSite, type ValidationWarning } from './text-number-comparisons.js';
import { planInputProblems, type PlanInputReads } from './plan-input-problems.js';
import { notNullWhen } from './guarded-reads.js';
import { holdsInexactNumber, inexactNumberPaths, inexactNumberProblem } from './inexact-numbers.js';
import {
  DEFAULT_MAX_STEPS,
  PlanSchema,
  StepSchema,
  STEP_ID_PATTERN,
  type Plan,
  type Step,
} from './schema.js';

export type IssueCode =
  | 'invalid_document'
  | 'invalid_field'
  | 'unknown_field'
  | 'too_many_steps'
  | 'duplicate_id'
  | 'unknown_dependency'
  | 'self_dependency'
  | 'cycle'
  | 'unknown_tool'
  | 'invalid_args'
  | 'invalid_expression'
  | 'unknown_reference'
  | 'not_an_ancestor'
  | 'unknown_input'
  | 'invalid_input'
  /** An input declared without a value (`image:`) that a step reads, not given with --input. */
  | 'missing_input'
  | 'env_not_allowed'
  | 'mcp_on_worker'
  /** What the plan's YAML text says differently from what it means (a tag, read by the CLI, reported like the others). */
  | 'yaml_tag'
  /** An unquoted `{{ … }}`, which YAML reads as a map (found by the CLI in the text). */
  | 'unquoted_template'
  /** A key given twice in one map of the plan's text (found by the CLI). */
  | 'duplicate_key'
  /** A step the user's permission policy denies (checked outside validation, reported like it). */
  | 'policy_denied';

export type IssuePath = readonly (string | number)[];

export type ValidationIssue = {
  readonly code: IssueCode;
  readonly path: IssuePath;
  readonly message: string;
};

/** What validation needs to know of a tool: its name, argument schema and, for an MCP tool, its server. */
export type ToolCatalog = ReadonlyMap<string, { readonly inputSchema: z.ZodType; readonly mcp?: { readonly server: string; readonly tool: string } }>;

export type ValidateOptions = {
  readonly tools: ToolCatalog;
  /** Default 200: a guard against runaway generated plans, not an engine limit. */
  readonly maxSteps?: number;
  /** What to do about a plan over maxSteps, where the reader is (default: the CLI's --max-steps). */
  readonly overLimitHint?: string;
  /** Inputs supplied at run time (e.g. `--input port=9090`); they may add to the plan's inputs. */
  readonly inputs?: Readonly<Record<string, unknown>>;
  /** Environment variable names that expressions may read as `env.NAME`. */
  readonly allowedEnv?: readonly string[];
  /**
   * Whether an input declared without a value that a step reads must be given (default: it must, the plan is to
   * run with these inputs). A plan being written (by the model, in the chat's editor) may leave it to the run.
   */
  readonly requireInputValues?: boolean;
};

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

  // Duplicate ids and dependency problems come out of building the graph: one pass, one id index.
  const dependencyProblems: { i: number; j: number; dep: string; self: boolean }[] = [];
  const graph = buildGraph(nodes, {
    onDuplicateId: (i, first) => {
      const id = nodes[i]!.id;
      if (STEP_ID_PATTERN.test(id)) add('duplicate_id', ['steps', i, 'id'], `duplicate step id "${id}" (already used by steps[${first}])`);
    },
    onSelfDependency: (i, j, dep) => dependencyProblems.push({ i, j, dep, self: true }),
    onUnknownDependency: (i, j, dep) => dependencyProblems.push({ i, j, dep, self: false }),
  });
  for (const { i, j, dep, self } of dependencyProblems) {
    if (self) add('self_dependency', ['steps', i, 'dependsOn', j], `step "${dep}" cannot depend on itself`);
    else add('unknown_dependency', ['steps', i, 'dependsOn', j], `unknown step "${dep}"${didYouMean(dep, dependableIds(graph, i))}`);
  }
  for (const cycle of graph.cycles) {
    const at = Math.max(graph.indexOfId(cycle[0]!), 0);
    add('cycle', ['steps', at, 'dependsOn'], `dependency cycle: ${cycle.join(' -> ')} (each step depends on the next); remove one dependsOn entry`);
  }

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
  const warnings = textNumberComparisonWarnings(planInputs, inputs, checker.numberComparisonSites);
  return { ok: true, plan, issues: [], inputs, warnings };
}

const NO_INPUTS: ReadonlySet<string> = new Set();

class StepChecker implements PlanInputReads {
  /** Every input an expression or template reads. */
  readonly usedInputs = new Set<string>();
  /** Each input read with no test against null before it, with the first step reading it so. */
  readonly inputReaders = new Map<string, string>();
  /** Each input an expression reads as a number, with the first such expression. */
  readonly numberReaders = new Map<string, string>();
  readonly numberPairs: InputPair[] = []; // `inputs.a > inputs.b`: a number each when the other is one
  readonly numberEquals = new Set<string>(); // `inputs.ratio == 2.5`: a number when written as one, else not equal
  readonly numberReadSites: NumberReadSite[] = []; // every expression reading an input as a number, with where it is
  readonly memberNumberReadSites: MemberNumberReadSite[] = []; // `inputs.ports.all(p, p < 1024)`: its items
  readonly numberComparisonSites: NumberComparisonSite[] = []; // `inputs.env == 3`: always false for a text
  /** Whether an expression could not be read for the inputs it reads (it does not compile, or reads `inputs[key]`). */
  unreadable = false;
  /** Each expression computing inputs together (`inputs.a + inputs.b`): its values may not be computable. */
  readonly arithmetic: { readonly groups: readonly ArithmeticGroup[]; readonly source: string; readonly path: IssuePath }[] = [];
  /** The inputs the `when` of the step being checked proves not null. */
  private notNullInStep: ReadonlySet<string> = new Set();
  private readonly isAncestor: (step: number, ancestor: number) => boolean;
  private readonly allowedEnv: ReadonlySet<string>;

  constructor(
    private readonly graph: PlanGraph,
    private readonly options: ValidateOptions,
    private readonly declaredInputs: ReadonlySet<string>,
    /** zod's verdicts on format strings (URLs) seen in this plan's arguments. */
    private readonly formatMemo: FormatMemo,
    private readonly add: (code: IssueCode, path: IssuePath, message: string) => void,
  ) {
    this.isAncestor = createAncestorCheck(graph);
    this.allowedEnv = new Set(options.allowedEnv ?? []);
  }

  check(step: Step, i: number): void {
    // A step that runs only when `inputs.tag != null` may read inputs.tag plainly; its `when` itself may not.
    this.notNullInStep = notNullWhen(step.when);
    // Paths are built only for an issue or a template: most steps have neither.
    if (step.type === 'condition') {
      this.expression(step.when, ['steps', i, 'when'], i, false);
      return;
    }
    if (step.when !== undefined) this.expression(step.when, ['steps', i, 'when'], i, false);
    if (step.type === 'llm_query') {
      this.templates(step.prompt, 'prompt', i, false);
      return;
    }
    this.toolCall(step.tool, step.args, i, false);
    const mcp = step.runsOn === undefined ? undefined : this.options.tools.get(step.tool)?.mcp;
    if (mcp) this.add('mcp_on_worker', ['steps', i, 'runsOn'], `MCP tools run where ksa runs, not on workers ("${step.tool}" is tool "${mcp.tool}" of MCP server "${mcp.server}"); remove its runsOn`);
    if (step.rollback) this.toolCall(step.rollback.tool, step.rollback.args, i, true);
  }

  /**
   * The bracket syntax for ids with a dash (CEL reads `-` as minus), or did-you-mean among the steps
   * the expression may read: its ancestors, and in a rollback the step itself. Another step is no fix.
   */
  private stepHint(id: string, source: string, i: number, allowSelf: boolean): string {
    const dashed = [...this.graph.indexOf.keys()].find((known) => known.startsWith(`${id}-`) && source.includes(known));
    if (dashed) return `; to read a step whose id has a dash, write steps["${dashed}"]`;
    const readable = ancestorIds(this.graph, i);
    if (allowSelf) readable.push(this.graph.ids[i]!);
    return didYouMean(id, readable);
  }

  private toolCall(name: string, args: Record<string, unknown>, i: number, isRollback: boolean): void {
    const at: () => IssuePath = () => (isRollback ? ['steps', i, 'rollback'] : ['steps', i]);
    const tool = this.options.tools.get(name);
    if (!tool) {
      this.add('unknown_tool', [...at(), 'tool'], unknownToolMessage(name, this.options.tools.keys()));
    } else if (!isObviouslyValid(tool.inputSchema, args, this.formatMemo)) {
      for (const issue of schemaIssues(tool.inputSchema, args)) {
        // A templated value's type is only known at run time.
        if (pathHitsTemplate(args, issue.path)) continue;
        for (const mapped of fromZodIssue(issue, [...at(), 'args'], args, (key) => didYouMean(key, shapeKeys(tool.inputSchema)))) {
          this.add('invalid_args', mapped.path, `${mapped.message.replace(/^unknown field/, 'unknown argument')} (tool "${name}")`);
        }
      }
    }
    if (containsTemplate(args)) this.templates(args, isRollback ? 'rollback' : 'args', i, isRollback);
    // `channelId: 1234567890123456789` in an http body would be sent as …456800.
    if (holdsInexactNumber(args)) for (const path of inexactNumberPaths(args)) this.add('invalid_args', [...at(), 'args', ...path], inexactNumberProblem(valueAt(args, path)));
  }

  /** The expressions of the templates in a step's prompt, args or rollback args. */
  private templates(value: unknown, field: 'prompt' | 'args' | 'rollback', i: number, allowSelf: boolean): void {
    const at = field === 'rollback' ? ['steps', i, 'rollback', 'args'] : ['steps', i, field];
    for (const site of findTemplates(value, at)) this.expression(site.source, site.path, i, allowSelf, this.notNullInStep);
    for (const path of findUnclosedTemplates(value, at)) {
      this.unreadable = true;
      this.add('invalid_expression', path, '"{{" with no closing "}}"; write \\{{ for a literal {{');
    }
  }

  /** `notNull`: the inputs known not null where the expression runs (those its step's `when` proves so). */
  private expression(written: string, path: IssuePath, i: number, allowSelf: boolean, notNull: ReadonlySet<string> = NO_INPUTS): void {
    // A multi-line `when` is quoted on one line in messages (the CLI finds its line in the file).
    const source = written.replace(/\s*\n\s*/g, ' ');
    const add = this.add;
    const compiled = compileExpression(written);
    if (!compiled.ok) {
      this.unreadable = true;
      add('invalid_expression', path, `expression "${source}" does not compile: ${compiled.message}`);
      return;
    }
    const refs = compiled.expression.references;
    if (refs.anyInput) this.unreadable = true;
    const selfId = this.graph.ids[i]!;
    for (const root of refs.unknownRoots) {
      // `steps.deploy-web.status` parses as `steps.deploy - web.status`: the hint is on the step reference.
      if (refs.steps.some((id) => this.graph.indexOfId(`${id}-${root}`) >= 0 || [...this.graph.indexOf.keys()].some((known) => known.startsWith(`${id}-${root}`)))) continue;
      add('unknown_reference', path, `unknown variable "${root}" in "${source}" (expressions can use steps, inputs and env)`);
    }
    if (refs.dynamicStepAccess) {
      add('unknown_reference', path, `"${source}" reads steps[...] with a computed key; use steps.<id> so the dependency can be checked`);
    }
    for (const id of refs.steps) {
      const target = this.graph.indexOfId(id);
      if (target < 0) {
        add('unknown_reference', path, `"${source}" references unknown step "${id}"${this.stepHint(id, source, i, allowSelf)}`);
      } else if (target === i) {
        if (!allowSelf) add('not_an_ancestor', path, `"${source}" references the step itself ("${id}"); only its dependencies have results yet`);
      } else if (!this.isAncestor(i, target)) {
        add('not_an_ancestor', path, `"${source}" references step "${id}", which "${selfId}" does not depend on; add "${id}" to dependsOn`);
      }
    }
    // `inputs.tag == null ? 'latest' : inputs.tag` reads an input without a value as the plan means it to.
    for (const name of compiled.expression.nullGuards.unguardedInputs) {
      if (!this.inputReaders.has(name) && !notNull.has(name)) this.inputReaders.set(name, selfId);
    }
    for (const name of compiled.expression.numberReads.inputs) {
      if (!this.numberReaders.has(name)) this.numberReaders.set(name, source);
      this.numberReadSites.push({ name, source, stepId: selfId, path });
    }
    for (const [left, right] of compiled.expression.numberReads.pairs) this.numberPairs.push({ left, right, source, stepId: selfId, path });
    for (const name of compiled.expression.numberReads.equals) this.numberEquals.add(name);
    for (const member of compiled.expression.numberReads.members) this.memberNumberReadSites.push({ member, source, stepId: selfId, path });
    for (const comparison of compiled.expression.numberReads.comparisons) this.numberComparisonSites.push({ ...comparison, source, stepId: selfId, path });
    if (compiled.expression.numberReads.groups.length > 0) this.arithmetic.push({ groups: compiled.expression.numberReads.groups, source, path });
    for (const name of refs.inputs) {
      this.usedInputs.add(name);
      if (!this.declaredInputs.has(name)) {
        const hint = closestMatch(name, this.declaredInputs);
        add('unknown_input', path, `"${source}" reads inputs.${name}, which the plan does not declare${hint ? ` (did you mean "${hint}"?)` : '; add it under inputs'}`);
      }
    }
    for (const name of refs.env) {
      if (!this.allowedEnv.has(name)) {
        add('env_not_allowed', path, `"${source}" reads env.${name}, which is not allow-listed (allow it with --allow-env ${name})`);
      }
    }
  }
}

/**
 * A tool step without a condition whose tools exist and whose arguments are
 * obviously valid and hold no template: StepChecker.check would find nothing.
 */
function plainlyFine(step: Step, tools: ToolCatalog, memo: FormatMemo): boolean {
  if (step.type === 'llm_query' || step.type === 'condition' || step.when !== undefined) return false;
  return plainArgs(step.tool, step.args, tools, memo) && (step.rollback === undefined || plainArgs(step.rollback.tool, step.rollback.args, tools, memo));
}

function plainArgs(name: string, args: Record<string, unknown>, tools: ToolCatalog, memo: FormatMemo): boolean {
  const tool = tools.get(name);
  return tool !== undefined && isObviouslyValid(tool.inputSchema, args, memo) && !containsTemplate(args) && !holdsInexactNumber(args);
}

/** The ids step i may depend on: not its own, nor those of steps that depend on it (that would be a cycle). */
function* dependableIds(graph: PlanGraph, i: number): Iterable<string> {
  const after = new Set(descendantIds(graph, i));
  for (const id of graph.indexOf.keys()) if (id !== graph.ids[i] && !after.has(id)) yield id;
}

/** Enough of a broken step (its id and dependencies) to keep checking the graph around it. */
function skeleton(raw: unknown, index: number): GraphNode {
  const record = isRecord(raw) ? raw : {};
  const id = typeof record.id === 'string' ? record.id : `#${index}`;
  const dependsOn = Array.isArray(record.dependsOn) ? record.dependsOn.filter((d): d is string => typeof d === 'string') : [];
  return { id, dependsOn };
}

function sortIssues(issues: ValidationIssue[]): ValidationIssue[] {
  const rank = (issue: ValidationIssue) => (issue.path[0] === 'steps' && typeof issue.path[1] === 'number' ? issue.path[1] : -1);
  return issues
    .map((issue, order) => ({ issue, order }))
    .sort((a, b) => rank(a.issue) - rank(b.issue) || a.order - b.order)
    .map(({ issue }) => issue);
}

/** `steps[3].dependsOn[0]`, `inputs["my key"]`. */
export function formatPath(path: IssuePath): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out || '(plan)';
}

export function formatIssue(issue: ValidationIssue): string {
  return `${formatPath(issue.path)}: ${issue.message}`;
}
