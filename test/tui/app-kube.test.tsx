import { describe, expect, it } from 'vitest';
import { json } from '../helpers/agent-fixtures.js';
import { chatModel, renderChatApp } from '../helpers/tui-app.js';

// The chat plans a Kubernetes deploy: the plan is pinned to the current context
// and namespace, and the card shows, per step, the cluster it will touch.

const K8S_PLAN = {
  goal: 'Deploy web to the cluster',
  steps: [
    { id: 'apply', tool: 'k8s_apply', args: { manifests: 'k8s/', record: 'deployment/web' } },
    { id: 'rollout', tool: 'k8s_rollout_status', args: { resource: 'deployment/web' }, dependsOn: ['apply'] },
    { id: 'health', tool: 'http', args: { url: 'http://127.0.0.1:8080/healthz' }, dependsOn: ['rollout'] },
  ],
};

describe('the chat and a Kubernetes deploy', () => {
  it('the proposed plan names the current context; the card shows cluster and namespace per cluster step', async (context) => {
    const propose = { text: 'Planning.', toolCalls: [{ name: 'propose_plan', input: { goal: 'deploy web' } }] };
    const app = await renderChatApp(context, { model: chatModel([propose, { text: 'Ready.' }], [json(K8S_PLAN)]), kubeContext: 'kind-dev', kubeNamespace: 'shop' });
    await app.send('deploy web to my cluster');
    const frame = await app.waitFor('run? [y/n/e]');
    expect(frame).toContain('inputs: kubeContext=kind-dev, namespace=shop');
    expect(frame.match(/cluster kind-dev · namespace shop/g)).toHaveLength(2);
    const plan = app.session.snapshot().pending!.plan;
    expect(plan.steps[0]).toMatchObject({ args: { context: '{{ inputs.kubeContext }}', namespace: '{{ inputs.namespace }}' } });
    expect(plan.steps[2]).toMatchObject({ args: { url: 'http://127.0.0.1:8080/healthz' } });
  });
});
