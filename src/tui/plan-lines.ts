import { criticalPathLengths, buildGraph, depthLevels } from '../planning/graph.js';
import { DEFAULT_MAX_PARALLEL } from '../planning/limits.js';
import { describePlacement, placementOf } from '../planning/placement.js';
import type { Plan, Step } from '../planning/schema.js';
import type { PlanRisk, RiskLevel } from '../policy/index.js';
import type { Styler } from './style.js';
import { createRedactor, looksSecret, maskSecretKeys, REDACTED, secretInputValues, secretLeaves, type Redactor } from '../store/redact.js';
import { visible } from './visible-text.js';
import { plural } from '../planning/plural.js';

/** The cluster a call touches, as far as it says: its context and namespace, or what points it elsewhere. */
export type CardKubeScope = { readonly context?: string; readonly namespace?: string; readonly allNamespaces?: boolean; readonly retarget?: string };

/** The clusters each shell step's kubectl/helm commands touch, by step id. */
export type ShellKubeScopes = Readonly<Record<string, readonly CardKubeScope[]>>;

/** What the plan view needs of the tools: how to show a call, and how risky it is. */
export type ToolDescriber = {
  describe(tool: string, args: Record<string, unknown>): string;
  risk(tool: string): 'low' | 'medium' | 'high' | undefined;
  /** For cluster tools: the context and namespace a call names (undefined: not a cluster tool). */
  kubeScope?(tool: string, args: Record<string, unknown>): CardKubeScope | undefined;
  /** The clusters the kubectl/helm commands of the plan's shell lines touch (read with the shell parser, so asynchronously). */
  shellKube?(plan: Plan): Promise<ShellKubeScopes>;
  /** The current kube context and namespace, for calls that name none. */
  /** The current context and its namespace; `namespaces`: every context's ("" for none), when kubeconfig was read. */
  readonly kube?: { readonly context?: string; readonly namespace?: string; readonly namespaces?: Readonly<Record<string, string>> };
  /** Each step's risk level and why; when given, the plan view shows them instead of marking risky tools. */
  assess?(plan: Plan): Promise<PlanRisk>;
  /** With workers (a Redis configured): where each step runs, and warnings (labels no live worker offers, an unreadable Redis). */
  workers?(plan: Plan): Promise<{ lines: string[]; warnings: string[] }>;
};

export type PlanCardOptions = {
  /** Default: the plan's own (`maxParallel`), else ksa's. */
  readonly maxParallel?: number | undefined;
  readonly risk?: PlanRisk | undefined;
  readonly shellKube?: ShellKubeScopes | undefined;
  /** The secrets the caller knows (the environment's, the MCP servers'): hidden on the card as everywhere else. */
  readonly redactor?: Redactor | undefined;
};

/**
 * What a plan shown for approval hides in the texts the user or the model wrote (its goal, arguments, conditions,
 * risk reasons): the secrets known to the caller, the values of the plan's secret inputs, and credential shapes.
 */
export function planCardRedactor(plan: Pick<Plan, 'inputs'>, known: Redactor = createRedactor([])): Redactor {
  return known.with(secretInputValues(plan.inputs));
}

/** The plan as shown for approval: every step with its dependencies and the exact command. */
export function formatPlan(plan: Plan, tools: ToolDescriber, style: Styler, options: PlanCardOptions = {}): string[] {
  const { maxParallel, risk, shellKube } = options;
  const lines: string[] = [];
  const parallel = maxParallel ?? plan.maxParallel ?? DEFAULT_MAX_PARALLEL;
  // What the user and the model wrote (the goal, commands, conditions) hides the secrets as a step's output does
  // (`mysql -p***`); ksa's own ids and counts stay as they are.
  const hide = planCardRedactor(plan, options.redactor).text;
  lines.push(`${style.bold('Plan:')} ${visible(hide(plan.goal))}`);
  const inputs = Object.entries(plan.inputs);
  // A secret input (`--input dbPassword=…`, a list or mapping too) is shown as written down everywhere else: ***.
  // So is the password of a URL (`postgres://app:***@db/prod`).
  // Inside another input's mapping, a part under a secret's name is *** however short (`db: {password: ***}`).
  const shownInput = (key: string, value: unknown) => (looksSecret(key) && (value === REDACTED || secretLeaves(value).length > 0) ? REDACTED : hide(formatValue(maskSecretKeys(value))));
  if (inputs.length > 0) lines.push(`  inputs: ${inputs.map(([key, value]) => `${visible(key)}=${visible(shownInput(key, value))}`).join(', ')}`);
  const risks = risk ? `, risk: ${levelText(risk.level, style)}` : '';
  lines.push(`  ${plural(plan.steps.length, 'step')}, up to ${parallel} at once${risks}`);
  lines.push('');
  const width = String(plan.steps.length).length;
  let risky = false;
  plan.steps.forEach((step, index) => {
    const stepRisk = risk?.steps[step.id];
    const isRisky = stepRisk ? stepRisk.level === 'destroy' : step.type !== 'llm_query' && step.type !== 'condition' && tools.risk(step.tool) === 'high';
    risky ||= isRisky;
    const marker = isRisky ? (stepRisk ? style.red('!') : style.yellow('!')) : ' ';
    const number = `${String(index + 1).padStart(width)}.`;
    const label = step.name ? ` ${style.dim(`(${visible(hide(step.name))})`)}` : '';
    lines.push(`${marker}${number} ${style.bold(visible(step.id))}${label}`);
    const indent = ' '.repeat(width + 3);
    for (const line of describeStep(step, tools, hide)) lines.push(`${indent}${line}`);
    if (risk?.scriptWriters?.includes(step.id)) for (const line of scriptPreview(step, hide)) lines.push(`${indent}${style.dim(line)}`);
    for (const target of kubeTargets(step, tools, plan.inputs, shellKube)) lines.push(`${indent}${style.cyan(visible(hide(target)))}`);
    const facts = stepFacts(step);
    if (facts.length > 0) lines.push(`${indent}${style.dim(visible(facts.join(' · ')))}`);
    if (step.when !== undefined && step.type !== 'condition') lines.push(`${indent}${style.dim(`when: ${visible(hide(step.when))}`)}`);
    if (step.type !== 'llm_query' && step.type !== 'condition' && (step.runsOn ?? plan.runsOn) !== undefined) {
      lines.push(`${indent}${style.dim(`runs on ${describePlacement(placementOf(step, plan))} (with workers)`)}`);
    }
    if (step.type !== 'llm_query' && step.type !== 'condition' && step.rollback) {
      const [first = '', ...rest] = visible(hide(tools.describe(step.rollback.tool, step.rollback.args))).trimEnd().split('\n');
      lines.push(`${indent}${style.dim(`rollback: ${visible(step.rollback.tool)}: ${first}`)}`);
      for (const line of rest) lines.push(`${indent}${style.dim(`  ${line}`)}`);
    }
    if (stepRisk) lines.push(`${indent}${levelText(stepRisk.level, style)}${style.dim(`: ${visible(hide(stepRisk.reason))}`)}`);
  });
  if (risky) {
    lines.push('');
    lines.push(style.dim(risk ? `${style.red('!')} destroy: deletes or overwrites what cannot be restored` : `${style.yellow('!')} runs commands on this machine`));
  }
  return lines;
}

const LEVEL_TONE = { read: 'green', write: 'yellow', destroy: 'red' } as const;

function levelText(level: RiskLevel, style: Styler): string {
  return level === 'destroy' ? style.bold(style.red(level)) : style[LEVEL_TONE[level]](level);
}

/**
 * A step's lines on the card, its secrets hidden in its whole text before it is cut into lines: a private key written
 * over many lines (a here-document, a file's content) is one *** from its header to its footer, as the run record
 * stores it, where hiding each line on its own would show its body.
 */
function describeStep(step: Step, tools: ToolDescriber, hide: (text: string) => string): string[] {
  if (step.type === 'condition') return [`condition: ${visible(hide(step.when))}`];
  if (step.type === 'llm_query') return [`ask the model: ${visible(oneLine(hide(step.prompt)))}`];
  const text = visible(hide(tools.describe(step.tool, step.args))).trimEnd();
  const [first = '', ...rest] = text.split('\n');
  return [`${visible(step.tool)}: ${first}`, ...rest.map((line) => `  ${line}`)];
}

const PREVIEW_LINES = 4;
const PREVIEW_WIDTH = 72;

/** The start of a file the plan writes and then runs: code the user approves should be code they saw (its secrets hidden in the whole, as describeStep does). */
function scriptPreview(step: Step, hide: (text: string) => string): string[] {
  if (step.type === 'llm_query' || step.type === 'condition' || typeof step.args.content !== 'string') return [];
  const text = hide(step.args.content).replace(/\n$/, '').split('\n');
  const shown = text.slice(0, PREVIEW_LINES).map((line) => {
    const clean = visible(line.replace(/\t/g, '  ')).trimEnd();
    return `  | ${clean.length > PREVIEW_WIDTH ? `${clean.slice(0, PREVIEW_WIDTH - 1)}…` : clean}`;
  });
  const more = text.length - shown.length;
  return more > 0 ? [...shown, `  | … ${plural(more, 'more line')}`] : shown;
}

/**
 * "cluster kind-dev · namespace shop": what a kubectl/helm step will touch, templates of inputs filled in;
 * for a shell step, each cluster its line's kubectl/helm commands touch.
 */
export function kubeTargets(step: Step, tools: ToolDescriber, inputs: Record<string, unknown>, shellKube?: ShellKubeScopes): string[] {
  if (step.type === 'llm_query' || step.type === 'condition') return [];
  const scope = tools.kubeScope?.(step.tool, step.args);
  if (scope) return [targetText(scope, tools, inputs)];
  return (shellKube?.[step.id] ?? []).map((found) => targetText(found, tools, inputs));
}

function targetText(scope: CardKubeScope, tools: ToolDescriber, inputs: Record<string, unknown>): string {
  const fill = (text: string) => text.replace(/\{\{\s*inputs\.(\w+)\s*\}\}/g, (whole, name: string) => (inputs[name] === undefined ? whole : String(inputs[name])));
  // Another kubeconfig, server or credentials: neither the named context nor the current one says where it goes.
  if (scope.retarget) return `cluster set by its ${scope.retarget}, not by a kube context`;
  const named = scope.context ? fill(scope.context) : undefined;
  const context = named ?? (tools.kube?.context ? `${tools.kube.context} (current)` : '(the current context)');
  const namespace = scope.allNamespaces ? 'all namespaces' : scope.namespace ? `namespace ${fill(scope.namespace)}` : contextNamespace(named, tools.kube);
  return `cluster ${context} · ${namespace}`;
}

/** The namespace kubectl uses in a context: the named one's, not the current one's; unsaid when kubeconfig does not tell. */
function contextNamespace(named: string | undefined, kube: ToolDescriber['kube']): string {
  if (named === undefined || named === kube?.context) return `namespace ${kube?.namespace || 'default'} (the context's)`;
  const namespaces = kube?.namespaces;
  // A context a shell line names at run time (`$CTX (set at run time)`) is said so once, on the cluster.
  if (!namespaces || !Object.hasOwn(namespaces, named)) {
    const written = named.replace(/ \(set at run time\)$/, '');
    // `kubectx -`: "the previous context (set at run time)", not named at all.
    return written.startsWith('$') || written === named ? `the namespace of context ${written}` : "that context's namespace";
  }
  return `namespace ${namespaces[named] || 'default'} (the context's)`;
}

function stepFacts(step: Step): string[] {
  const facts: string[] = [];
  facts.push(step.dependsOn.length > 0 ? `after ${step.dependsOn.join(', ')}` : 'no dependencies');
  if (step.type !== 'condition') {
    if (step.retry && step.retry.maxAttempts > 1) facts.push(`up to ${step.retry.maxAttempts} attempts`);
    if (step.timeoutMs !== undefined) facts.push(`timeout ${formatMs(step.timeoutMs)} per attempt`);
  }
  return facts;
}

/** Dry run: which steps can start together, and the longest chain. */
export function formatDryRun(plan: Plan, style: Styler, maxParallel?: number): string[] {
  const graph = buildGraph(plan.steps);
  const levels = depthLevels(graph);
  const parallel = maxParallel ?? plan.maxParallel ?? DEFAULT_MAX_PARALLEL;
  const lines = [style.bold('Dry run: nothing is executed.'), `Execution order (steps on one line can run in parallel, up to ${parallel} at once):`];
  levels.forEach((level, index) => {
    const ids = level.map((i) => graph.ids[i]!);
    const note = ids.length > 1 ? style.dim(`  (${ids.length} in parallel${ids.length > parallel ? `, ${parallel} at a time` : ''})`) : '';
    lines.push(`  ${String(index + 1).padStart(String(levels.length).length)}. ${ids.join(', ')}${note}`);
  });
  const longest = criticalPath(graph);
  lines.push(`Critical path: ${longest.join(' -> ')} (${plural(longest.length, 'step')})`);
  lines.push(style.dim('A step starts as soon as its own dependencies are done, not when the whole line above is.'));
  return lines;
}

function criticalPath(graph: ReturnType<typeof buildGraph>): string[] {
  const lengths = criticalPathLengths(graph);
  let current = -1;
  let best = -1;
  graph.ids.forEach((_, i) => {
    if (graph.deps[i]!.length === 0 && lengths[i]! > best) {
      best = lengths[i]!;
      current = i;
    }
  });
  const path: string[] = [];
  while (current !== -1) {
    path.push(graph.ids[current]!);
    let next = -1;
    for (const dependent of graph.dependents[current]!) if (next === -1 || lengths[dependent]! > lengths[next]!) next = dependent;
    current = next;
  }
  return path;
}

export function formatMs(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m`;
  if (ms % 1000 === 0 && ms >= 1000) return `${ms / 1000}s`;
  return `${ms}ms`;
}

function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function oneLine(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ⏎ ');
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}
