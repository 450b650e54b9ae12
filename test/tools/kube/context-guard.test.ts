import { describe, expect, it } from 'vitest';
import { validatePlan, type Plan, type ToolCall } from '../../../src/planning/index.js';
import { approvedKubeContext, createBuiltinRegistry, guardKubeContext, KubeContextMismatchError, planTouchesKube } from '../../../src/tools/index.js';

const registry = createBuiltinRegistry();

function call(tool: string, args: Record<string, unknown>): ToolCall {
  return { tool, args, stepId: 'deploy', attempt: 1, phase: 'run', signal: new AbortController().signal, onOutput: () => {} };
}

function plan(doc: unknown): Plan {
  const result = validatePlan(doc, { tools: registry.catalog() });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.plan;
}

describe('guardKubeContext', () => {
  const invoked: string[] = [];
  const invoke = async (c: ToolCall) => {
    invoked.push(c.tool);
    return { ok: true };
  };

  it('lets through a cluster call that names the approved context, or none while the current one is it', async () => {
    const guarded = guardKubeContext(invoke, { tools: registry, approved: 'kind-dev', current: async () => 'kind-dev' });
    await guarded(call('kubectl', { args: ['get', 'pods'], context: 'kind-dev' }));
    await guarded(call('k8s_rollout_status', { resource: 'deployment/web' }));
    await guarded(call('shell', { command: 'true' }));
    expect(invoked.splice(0)).toEqual(['kubectl', 'k8s_rollout_status', 'shell']);
  });

  it('refuses, running nothing, a call that names another context (argv included) or runs while another is current', async () => {
    let current: string | undefined = 'prod-eu';
    const guarded = guardKubeContext(invoke, { tools: registry, approved: 'kind-dev', current: async () => current });
    const named = await guarded(call('helm_upgrade', { release: 'web', chart: '.', context: 'prod-eu' })).catch((e) => e);
    expect(KubeContextMismatchError.isInstance(named)).toBe(true);
    expect((named as Error).message).toBe(
      'step deploy (helm_upgrade) would touch kube context "prod-eu", but the plan was approved for "kind-dev"; nothing was run. Switch back with kubectl config use-context kind-dev, or plan again for the other cluster.',
    );
    await expect(guarded(call('kubectl', { args: ['--context=prod-eu', 'delete', 'ns', 'billing'] }))).rejects.toThrow(/would touch kube context "prod-eu"/);
    await expect(guarded(call('k8s_apply', { manifests: 'k8s/' }))).rejects.toThrow(/would touch kube context "prod-eu"/);
    current = undefined;
    await expect(guarded(call('k8s_apply', { manifests: 'k8s/' }))).rejects.toThrow(/would touch no kube context \(none is current\)/);
    expect(invoked).toEqual([]);
  });
});

describe('approvedKubeContext', () => {
  const kubePlan = plan({ goal: 'g', inputs: { kubeContext: 'kind-dev' }, steps: [{ id: 'a', tool: 'kubectl', args: { args: ['get', 'pods'], context: '{{ inputs.kubeContext }}' } }] });

  it('is the plan\'s kubeContext input (the --input wins), else the current context; none for a plan without cluster steps', async () => {
    expect(await approvedKubeContext(kubePlan, {}, registry, async () => 'other')).toBe('kind-dev');
    expect(await approvedKubeContext(kubePlan, { kubeContext: 'staging' }, registry, async () => 'other')).toBe('staging');
    const unnamed = plan({ goal: 'g', steps: [{ id: 'a', tool: 'shell', args: { command: 'true' }, rollback: { tool: 'helm_rollback', args: { release: 'web' } } }] });
    expect(planTouchesKube(unnamed, registry)).toBe(true);
    expect(await approvedKubeContext(unnamed, {}, registry, async () => 'kind-dev')).toBe('kind-dev');
    const noKube = plan({ goal: 'g', steps: [{ id: 'a', tool: 'podman', args: { args: ['ps'] } }] });
    expect(await approvedKubeContext(noKube, {}, registry, async () => 'kind-dev')).toBeUndefined();
  });
});
