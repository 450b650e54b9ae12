import { describe, expect, it } from 'vitest';
import { validatePlan, type Plan, type ToolCall } from '../../../src/planning/index.js';
import { approvedKubeContext, createBuiltinRegistry, guardKubeContext, KubeContextMismatchError, KubeRetargetError, NO_CURRENT_CONTEXT, planTouchesKube } from '../../../src/tools/index.js';

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
      'step deploy (helm_upgrade) names kube context "prod-eu", but the plan was approved for "kind-dev"; nothing was run. Set the step\'s context to "kind-dev", or plan again for "prod-eu".',
    );
    await expect(guarded(call('kubectl', { args: ['--context=prod-eu', 'delete', 'ns', 'billing'] }))).rejects.toThrow(/names kube context "prod-eu"/);
    await expect(guarded(call('k8s_apply', { manifests: 'k8s/' }))).rejects.toThrow(/would touch kube context "prod-eu"/);
    current = undefined;
    await expect(guarded(call('k8s_apply', { manifests: 'k8s/' }))).rejects.toThrow(/would touch no kube context \(none is current\)/);
    expect(invoked).toEqual([]);
  });

  it('approved while no context was current: a call that names none is refused once one becomes current; named ones go through', async () => {
    let current: string | undefined;
    const guarded = guardKubeContext(invoke, { tools: registry, approved: NO_CURRENT_CONTEXT, current: async () => current });
    await guarded(call('kubectl', { args: ['get', 'pods'] }));
    await guarded(call('kubectl', { args: ['get', 'pods'], context: 'kind-dev' }));
    current = 'prod-eu';
    await guarded(call('helm_upgrade', { release: 'web', chart: '.', context: 'kind-dev' }));
    expect(invoked.splice(0)).toEqual(['kubectl', 'kubectl', 'helm_upgrade']);
    const refused = await guarded(call('kubectl', { args: ['delete', 'pod', 'web-0'] })).catch((e) => e);
    expect(KubeContextMismatchError.isInstance(refused)).toBe(true);
    expect((refused as Error).message).toBe(
      'step deploy (kubectl) would touch kube context "prod-eu", but the plan was approved while no kube context was current; nothing was run. Name the cluster in the step (its context argument), or plan again now that "prod-eu" is current.',
    );
    await expect(guarded(call('shell', { command: 'kubectl delete pod web-0' }))).rejects.toThrow(/would touch kube context "prod-eu", but the plan was approved while no kube context was current/);
    await expect(guarded(call('kubectl', { args: ['--kubeconfig', '/other', 'get', 'pods'], context: 'kind-dev' }))).rejects.toThrow(KubeRetargetError);
    expect(invoked).toEqual([]);
  });
});

describe('guardKubeContext and flags that bypass the context', () => {
  it('refuses a call whose argv names another kubeconfig, server, cluster or user, in one line that does not echo the value', async () => {
    const invoked: string[] = [];
    const guarded = guardKubeContext(async (c) => (invoked.push(c.tool), { ok: true }), { tools: registry, approved: 'kind-dev', current: async () => 'kind-dev' });
    const bypasses: [string, string[], string][] = [
      ['kubectl', ['--kubeconfig', '/other/config', 'delete', 'ns', 'billing'], '--kubeconfig'],
      ['kubectl', ['get', 'pods', '--server=https://10.0.0.1:6443', '--token', 's3cret'], '--server'],
      ['kubectl', ['get', 'pods', '--token=s3cret'], '--token'],
      ['kubectl', ['get', 'pods', '--cluster', 'prod'], '--cluster'],
      ['kubectl', ['get', 'pods', '--user=admin'], '--user'],
      ['helm', ['list', '--kube-apiserver', 'https://10.0.0.1:6443'], '--kube-apiserver'],
    ];
    for (const [tool, args, flag] of bypasses) {
      const error = await guarded(call(tool, { args, context: 'kind-dev' })).catch((e: unknown) => e);
      expect(KubeRetargetError.isInstance(error), `${tool} ${args.join(' ')}`).toBe(true);
      expect((error as Error).message).toBe(
        `step deploy (${tool}) passes ${flag}, which points it past kube context "kind-dev" the plan was approved for; nothing was run. Remove ${flag} and name the cluster with the step's context argument.`,
      );
      expect((error as Error).message).not.toContain('s3cret');
    }
    expect(invoked).toEqual([]);
  });

  it('lets through the subcommands whose own flags have those names', async () => {
    const invoked: string[] = [];
    const guarded = guardKubeContext(async (c) => (invoked.push(c.tool), { ok: true }), { tools: registry, approved: 'kind-dev', current: async () => 'kind-dev' });
    await guarded(call('kubectl', { args: ['create', 'rolebinding', 'view', '--clusterrole=view', '--user=alice'], context: 'kind-dev' }));
    await guarded(call('kubectl', { args: ['config', 'view', '--kubeconfig', '/tmp/x'], context: 'kind-dev' }));
    await guarded(call('helm', { args: ['template', 'web', './chart', '-s', 'templates/deployment.yaml'], context: 'kind-dev' }));
    expect(invoked).toEqual(['kubectl', 'kubectl', 'helm']);
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
    expect(await approvedKubeContext(unnamed, {}, registry, async () => undefined)).toBe(NO_CURRENT_CONTEXT);
  });
});
