import { ancestorIds, createAncestorCheck, type PlanGraph } from './graph.js';
import { compileExpression } from './expressions.js';
import { containsTemplate, findTemplates, findUnclosedTemplates } from './templates.js';
import { closestMatch, didYouMean, unknownToolMessage } from './suggest.js';
import { valueAt } from './values.js';
import { isObviouslyValid, type FormatMemo } from './obviously-valid.js';
import { fromZodIssue, shapeKeys } from './zod-issues.js';
import { pathHitsTemplate, schemaIssues } from './schema-issues.js';
import type { InputPair } from './number-inputs.js';
import type { ArithmeticGroup } from './arithmetic-groups.js';
import type { NumberReadSite } from './declared-number-reads.js';
import type { MemberNumberReadSite } from './member-number-reads.js';
import type { LiteralComparisonSite } from './literal-comparisons.js';
import type { PlanInputReads } from './plan-input-problems.js';
import { notNullWhen } from './guarded-reads.js';
import { holdsInexactNumber, inexactNumberPaths, inexactNumberProblem } from './inexact-numbers.js';
import type { Step } from './schema.js';
import type { IssueCode, IssuePath } from './validation-issues.js';
import type { ValidateOptions } from './validate-options.js';

const NO_INPUTS: ReadonlySet<string> = new Set();

/** Checks each step's tool, arguments and expressions against the plan's graph, gathering what they read of its inputs. */
export class StepChecker implements PlanInputReads {
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
  readonly comparisonSites: LiteralComparisonSite[] = []; // `inputs.env == 3`: always false for a text
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
    for (const comparison of compiled.expression.numberReads.comparisons) this.comparisonSites.push({ ...comparison, source, stepId: selfId, path });
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
