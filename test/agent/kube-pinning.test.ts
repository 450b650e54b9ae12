import { describe, expect, it } from 'vitest';
import { pinKubeTarget } from '../../src/agent/index.js';
import { validatePlan, type Plan } from '../../src/planning/index.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';

const registry = createBuiltinRegistry();

function plan(doc: unknown): Plan {
  const result = validatePlan(doc, { tools: registry.catalog() });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.plan;
}

describe('pinKubeTarget', () => {
  const generated = plan({
    goal: 'Deploy web',
    steps: [
      { id: 'build', tool: 'podman', args: { args: ['build', '-t', 'web', '.'] } },
      { id: 'apply', tool: 'k8s_apply', args: { manifests: 'k8s/', record: 'deployment/web' }, dependsOn: ['build'], rollback: { tool: 'k8s_rollback', args: { resource: 'deployment/web', toRevision: '{{ steps.apply.output.previousRevision }}' } } },
      { id: 'pods', tool: 'kubectl', args: { args: ['get', 'pods', '-A'] }, dependsOn: ['apply'] },
      { id: 'staging', tool: 'kubectl', args: { args: ['get', 'pods', '-n', 'web'], context: 'staging' }, dependsOn: ['apply'] },
    ],
  });

  it('fills inputs.kubeContext and inputs.namespace and names them in every cluster call that names none', () => {
    const pinned = pinKubeTarget(generated, registry, { context: 'kind-dev', namespace: 'shop' });
    expect(pinned.inputs).toEqual({ kubeContext: 'kind-dev', namespace: 'shop' });
    const [build, apply, pods, staging] = pinned.steps as any[];
    expect(build.args).toEqual({ args: ['build', '-t', 'web', '.'] });
    expect(apply.args).toEqual({ manifests: 'k8s/', record: 'deployment/web', context: '{{ inputs.kubeContext }}', namespace: '{{ inputs.namespace }}' });
    expect(apply.rollback.args).toMatchObject({ context: '{{ inputs.kubeContext }}', namespace: '{{ inputs.namespace }}' });
    // -A: all namespaces, so no namespace; what a step names itself stays.
    expect(pods.args).toEqual({ args: ['get', 'pods', '-A'], context: '{{ inputs.kubeContext }}' });
    expect(staging.args).toEqual({ args: ['get', 'pods', '-n', 'web'], context: 'staging' });
    // Still a valid plan.
    expect(validatePlan(pinned, { tools: registry.catalog() }).ok).toBe(true);
  });

  it('keeps the plan\'s own inputs; leaves plans without cluster steps, or without a current context, alone', () => {
    const own = plan({ ...generated, inputs: { kubeContext: 'prod-eu' } });
    // Another cluster than the current one: not the current context's namespace; kubectl uses prod-eu's own.
    const elsewhere = pinKubeTarget(own, registry, { context: 'kind-dev', namespace: 'shop' });
    expect(elsewhere.inputs).toEqual({ kubeContext: 'prod-eu' });
    expect((elsewhere.steps[1] as any).args).toEqual({ manifests: 'k8s/', record: 'deployment/web', context: '{{ inputs.kubeContext }}' });
    // A namespace the plan names itself is given to the steps on its context.
    const named = pinKubeTarget(plan({ ...generated, inputs: { kubeContext: 'prod-eu', namespace: 'billing' } }), registry, { context: 'kind-dev', namespace: 'shop' });
    expect((named.steps[1] as any).args).toMatchObject({ namespace: '{{ inputs.namespace }}' });
    expect((named.steps[3] as any).args).toEqual({ args: ['get', 'pods', '-n', 'web'], context: 'staging' });
    const noKube = plan({ goal: 'g', steps: [{ id: 'a', tool: 'shell', args: { command: 'true' } }] });
    expect(pinKubeTarget(noKube, registry, { context: 'kind-dev' })).toBe(noKube);
    expect(pinKubeTarget(generated, registry, {})).toBe(generated);
  });
});
