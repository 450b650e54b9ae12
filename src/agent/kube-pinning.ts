import type { Plan, Step } from '../planning/index.js';
import type { ToolRegistry } from '../tools/index.js';

/** The cluster the user is on when the plan is made: the workspace scan's kube context and namespace. */
export type KubeDefaults = { readonly context?: string; readonly namespace?: string };

type ToolCallFields = { tool: string; args: Record<string, unknown> };

/**
 * Makes every cluster step of a generated plan name its cluster: the plan gets
 * `inputs.kubeContext` (and, when that is the current context, `inputs.namespace`) from the current context,
 * and each kubectl/helm/k8s_*\/helm_* call (rollbacks too) that names no context gets
 * `context: "{{ inputs.kubeContext }}"`, and one on the plan's context with no namespace `namespace: "{{ inputs.namespace }}"`.
 * What the plan already says is kept. Plans without cluster steps are returned as they are.
 */
export function pinKubeTarget(plan: Plan, tools: Pick<ToolRegistry, 'get'>, kube: KubeDefaults): Plan {
  if (!kube.context) return plan;
  const isKube = (call: ToolCallFields) => tools.get(call.tool)?.kubeScope !== undefined;
  const calls = plan.steps.flatMap((step) => (step.type === 'llm_query' || step.type === 'condition' ? [] : [step, ...(step.rollback ? [step.rollback] : [])]));
  if (!calls.some(isKube)) return plan;

  const inputs = { ...plan.inputs };
  if (typeof inputs.kubeContext !== 'string' || !inputs.kubeContext) inputs.kubeContext = kube.context;
  // The current context's namespace belongs to the current context: a plan for another cluster works in that
  // one's own namespace (kubectl's default there), unless the plan names one itself.
  if (inputs.namespace === undefined && inputs.kubeContext === kube.context) inputs.namespace = kube.namespace ?? 'default';
  const onPlanContext = (context: string | undefined) => context === undefined || context === inputs.kubeContext || /^\{\{\s*inputs\.kubeContext\s*\}\}$/.test(context);
  const pin = (call: ToolCallFields): Record<string, unknown> => {
    if (!isKube(call)) return call.args;
    const scope = tools.get(call.tool)!.kubeScope!(call.args);
    const namespaced = scope.namespace || scope.allNamespaces || inputs.namespace === undefined || !onPlanContext(scope.context);
    return {
      ...call.args,
      ...(scope.context ? {} : { context: '{{ inputs.kubeContext }}' }),
      ...(namespaced ? {} : { namespace: '{{ inputs.namespace }}' }),
    };
  };
  const steps = plan.steps.map((step): Step => {
    if (step.type === 'llm_query' || step.type === 'condition') return step;
    return { ...step, args: pin(step), ...(step.rollback ? { rollback: { ...step.rollback, args: pin(step.rollback) } } : {}) };
  });
  return { ...plan, inputs, steps };
}
