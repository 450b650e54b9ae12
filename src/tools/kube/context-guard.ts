import { KsaError } from '../../planning/ksa-error.js';
import type { Plan } from '../../planning/schema.js';
import type { InvokeTool } from '../../planning/tool-call.js';
import { quickCommand } from '../quick-command.js';
import { KubeRetargetError } from './kube-retarget-error.js';
import type { KubeScope, ShellKubeProgram } from './kube-scope.js';
import type { Tool } from '../tool.js';

export class KubeContextMismatchError extends KsaError {
  readonly approved: string;
  readonly actual: string | undefined;

  /** `program`: the kubectl/helm command of a shell step that names the context on its command line. */
  /** `previous`: the command switches back to the context before (`kubectx -`), which only the kubeconfig knows when it runs. */
  constructor({ tool, stepId, approved, actual, named, program, previous }: { tool: string; stepId: string; approved: string; actual: string | undefined; named?: boolean; program?: ShellKubeProgram; previous?: boolean }) {
    // `kubectx -` or `kubectl ctx -` (its kubectl plugin).
    const switcher = program === 'kubectl' ? 'kubectl ctx' : program;
    // A context a shell line gives at run time (`use-context "$CTX"`) is its words as written, quoted here once.
    const shown = actual?.includes('$') ? actual.replace(/["']/g, '') : actual;
    const touched = previous ? `the previous kube context (${switcher} -), which is chosen at run time` : shown === undefined ? 'no kube context (none is current)' : `kube context "${shown}"`;
    // A step that names the other context itself is fixed in the plan; switching the kubeconfig back would not help.
    const where = program === undefined ? "the step's context" : `the context its ${program} command names`;
    const fix =
      previous
        ? `Name the context in the line (${switcher} ${approved}), or plan again.`
        : approved === NO_CURRENT_CONTEXT
          ? `Name the cluster in the step (its context argument), or plan again now that "${shown}" is current.`
          : named
            ? `Set ${where} to "${approved}", or plan again for "${shown}".`
            : `Switch back with kubectl config use-context ${approved}, or plan again for the other cluster.`;
    const approvedFor = approved === NO_CURRENT_CONTEXT ? 'while no kube context was current' : `for "${approved}"`;
    super({
      name: 'KubeContextMismatchError',
      message: `step ${stepId} (${tool}) ${previous ? 'switches to' : named ? 'names' : 'would touch'} ${touched}, but the plan was approved ${approvedFor}; nothing was run. ${fix}`,
    });
    this.approved = approved;
    this.actual = actual;
  }
}

/**
 * The approved context of a plan that talks to a cluster while no context is current. Its steps
 * that name a context touch that one, as its plan showed; one that names none would touch whatever
 * becomes current later (another terminal's `kubectl config use-context prod`), so it is refused then.
 */
export const NO_CURRENT_CONTEXT = '';

/** How approval and resume say which context the run holds to. */
export function kubeContextLine(approved: string, resumed = false): string {
  if (approved === NO_CURRENT_CONTEXT) return '  kube context: none is current (a cluster step that names none is refused if one becomes current)';
  return `  kube context: ${approved}${resumed ? ', as approved' : ''} (a cluster step that would touch another context is refused)`;
}

/** `kubectl config current-context`; undefined when kubectl is missing or no context is set. */
export async function currentKubeContext(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const result = await quickCommand('kubectl', ['config', 'current-context'], { env, timeoutMs: 5000 });
  return result?.exitCode === 0 ? result.stdout.trim() || undefined : undefined;
}

/**
 * The current context and its namespace (undefined when it names none), and every context's namespace
 * ("" for none): a step that names another context works in that one's namespace, and its card says so.
 */
export async function currentKubeTarget(env: NodeJS.ProcessEnv = process.env): Promise<{ context?: string; namespace?: string; namespaces?: Record<string, string> }> {
  const context = await currentKubeContext(env);
  if (!context) return {};
  const view = await quickCommand('kubectl', ['config', 'view', '-o', 'jsonpath={range .contexts[*]}{.name}{"\\t"}{.context.namespace}{"\\n"}{end}'], { env, timeoutMs: 5000 });
  if (view?.exitCode !== 0) return { context };
  const namespaces: Record<string, string> = Object.create(null);
  for (const line of view.stdout.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) namespaces[line.slice(0, tab)] = line.slice(tab + 1).trim();
  }
  const namespace = namespaces[context] || undefined;
  return { context, ...(namespace ? { namespace } : {}), namespaces };
}

type ToolLookup = { get(name: string): Tool | undefined };

/** Whether a plan has a step (or rollback) of a cluster tool (kubectl, helm, k8s_*, helm_*). */
export function planTouchesKube(plan: Plan, tools: ToolLookup): boolean {
  return toolCalls(plan).some((call) => tools.get(call.tool)?.kubeScope !== undefined);
}

/** Whether a plan talks to a cluster: a cluster tool's step, or a shell step whose line runs kubectl or helm. */
export async function planRunsKube(plan: Plan, tools: ToolLookup): Promise<boolean> {
  if (planTouchesKube(plan, tools)) return true;
  for (const call of toolCalls(plan)) {
    if (call.tool === 'shell' && typeof call.args.command === 'string' && (await shellKubeCallsOf(call.args.command)).length > 0) return true;
  }
  return false;
}

function toolCalls(plan: Plan): { readonly tool: string; readonly args: Record<string, unknown> }[] {
  return plan.steps.flatMap((step) => (step.type === 'llm_query' || step.type === 'condition' ? [] : [step, ...(step.rollback ? [step.rollback] : [])]));
}

/**
 * The context a plan is approved for: its `kubeContext` input when it has one
 * (the steps name it), else the current context, else NO_CURRENT_CONTEXT.
 * Undefined when the plan does not talk to a cluster.
 */
export async function approvedKubeContext(
  plan: Plan,
  inputs: Record<string, unknown>,
  tools: ToolLookup,
  current: () => Promise<string | undefined> = () => currentKubeContext(),
): Promise<string | undefined> {
  if (!(await planRunsKube(plan, tools))) return undefined;
  const input = inputs.kubeContext ?? plan.inputs.kubeContext;
  if (typeof input === 'string' && input && !input.includes('{{')) return input;
  return (await current()) ?? NO_CURRENT_CONTEXT;
}

/**
 * The cluster calls (steps and rollbacks) that name no context, in a plan approved for another context than
 * the current one: each would be refused when it runs (guardKubeContext), after the steps before it have run.
 * Said before anything runs instead. Shell lines are left to the guard (reading them needs the shell parser).
 */
export function stepsOnCurrentContext(plan: Plan, tools: ToolLookup, approved: string | undefined, current: string | undefined): string[] {
  if (approved === undefined || approved === NO_CURRENT_CONTEXT || approved === current) return [];
  const ids: string[] = [];
  for (const step of plan.steps) {
    if (step.type === 'llm_query' || step.type === 'condition') continue;
    const calls = [step, ...(step.rollback ? [step.rollback] : [])];
    const unnamed = calls.some((call) => {
      const scope = tools.get(call.tool)?.kubeScope?.(call.args);
      return scope !== undefined && scope.context === undefined && scope.retarget === undefined;
    });
    if (unnamed) ids.push(step.id);
  }
  return ids;
}

/**
 * Refuses, before anything runs, a cluster call whose context is not the one the
 * plan was approved with: the context its (rendered) arguments name, or else the
 * kubeconfig's current context at that moment (switched in another terminal?).
 * A shell step is held to it for each kubectl/helm command its line runs.
 */
export function guardKubeContext(
  invoke: InvokeTool,
  options: { readonly tools: ToolLookup; readonly approved: string; readonly current?: () => Promise<string | undefined> },
): InvokeTool {
  const current = options.current ?? (() => currentKubeContext());
  return async (call) => {
    // Asked once per call: a shell line with several kubectl commands runs them all against one current context.
    let currentNow: Promise<string | undefined> | undefined;
    const check = async (scope: KubeScope, program?: ShellKubeProgram, previous?: boolean) => {
      const facts = { tool: call.tool, stepId: call.stepId, approved: options.approved, ...(program ? { program } : {}), ...(previous ? { previous } : {}) };
      if (scope.retarget) throw new KubeRetargetError({ ...facts, flag: scope.retarget });
      if (options.approved === NO_CURRENT_CONTEXT && scope.context !== undefined) return;
      const actual = scope.context ?? (await (currentNow ??= current()));
      if (actual !== (options.approved === NO_CURRENT_CONTEXT ? undefined : options.approved)) throw new KubeContextMismatchError({ ...facts, actual, named: scope.context !== undefined });
    };
    const scope = options.tools.get(call.tool)?.kubeScope?.(call.args);
    if (scope) await check(scope);
    if (call.tool === 'shell' && typeof call.args.command === 'string') {
      for (const found of await shellKubeCallsOf(call.args.command, { env: envArg(call.args.env) })) await check(found.scope, found.program, found.previous === true);
    }
    return invoke(call);
  };
}

/**
 * Loaded on first use: it brings the shell parser and the policy's command reading, which the
 * chat's first frame and `ksa validate` (both reach this module) must not load.
 */
async function shellKubeCallsOf(...args: Parameters<typeof import('./shell-kube-calls.js').shellKubeCalls>) {
  const { shellKubeCalls } = await import('./shell-kube-calls.js');
  return shellKubeCalls(...args);
}

function envArg(env: unknown): Record<string, unknown> | undefined {
  return typeof env === 'object' && env !== null ? (env as Record<string, unknown>) : undefined;
}
