import type { Plan } from '../planning/index.js';
import { currentKubeTarget, planRunsKube, type ToolRegistry } from '../tools/index.js';
import type { ShellKubeScopes, ToolDescriber } from '../tui/plan-lines.js';
import { describer } from '../tui/tool-describer.js';
import type { KubeTarget } from './kube-target.js';

/** What a printed plan needs to name the cluster and namespace of each step. */
export type PlanCardKube = {
  /** The current kube context and every context's namespace; empty for a plan that talks to no cluster. */
  readonly kube: KubeTarget;
  readonly tools: ToolDescriber;
  /** The targets of each shell step's kubectl/helm commands. */
  readonly shellKube?: ShellKubeScopes;
};

/**
 * The kube facts ksa run, ksa resume and ksa ask print a plan with: a step that names no context
 * works in the current one and its namespace, so the card says which. kubectl is asked only for a
 * plan that talks to a cluster (a cluster tool, or kubectl/helm in a shell line).
 */
export async function planCardKube(plan: Plan, registry: ToolRegistry, env: NodeJS.ProcessEnv): Promise<PlanCardKube> {
  const runsKube = await planRunsKube(plan, registry);
  const kube = runsKube ? await currentKubeTarget(env) : {};
  const tools = describer(registry, kube);
  const shellKube = runsKube ? await tools.shellKube?.(plan) : undefined;
  return { kube, tools, ...(shellKube ? { shellKube } : {}) };
}
