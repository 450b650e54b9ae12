import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../../src/planning/index.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { kubeResourceSpellings } from '../../../src/policy/rules/kube-resources.js';
import { createBuiltinRegistry, riskOptions } from '../../../src/tools/index.js';

// kubectl reads a kind by any of its names (ns, namespace, namespaces), an object as `kind name` or `kind/name`, and
// several objects on one line: a deny rule written with one spelling meets the others.

const options = riskOptions(createBuiltinRegistry(), process.env, '/srv/app');

async function decisionOf(policy: string, step: Record<string, unknown>): Promise<string> {
  const plan = PlanSchema.parse({ goal: 'kinds', steps: [{ id: 's', ...step }] });
  return (await assessPolicy(plan, parsePolicy(policy, '/srv/app/.ksa/policy.yaml'), 'write', options)).decision.steps[0]!.decision;
}

describe('a deny rule naming a kind one way', () => {
  const DENY_NS = 'deny:\n  - kubectl: "delete ns prod"\n';
  it.each([
    ['kubectl delete ns prod', 'deny'],
    ['kubectl delete namespace prod', 'deny'],
    ['kubectl delete namespaces prod', 'deny'],
    ['kubectl delete Namespace prod', 'deny'],
    ['kubectl delete namespace/prod', 'deny'],
    ['kubectl delete ns/prod', 'deny'],
    ['kubectl delete namespaces.v1 prod', 'deny'],
    ['kubectl delete ns staging prod', 'deny'],
    ['kubectl delete ns/staging namespace/prod', 'deny'],
    ['kubectl delete ns,deploy prod', 'deny'],
    ['kubectl delete namespace prod -n default --wait=false', 'deny'],
    ['kubectl -n default delete namespace/prod', 'deny'],
    ['kubectl delete namespace staging', 'ask'],
    ['kubectl delete ns staging dev', 'ask'],
    ['kubectl delete deploy prod', 'ask'],
    ['kubectl delete namespace staging -n prod', 'ask'],
    ['kubectl get namespace prod', 'allow'],
  ])('"delete ns prod": %s is %s', async (command, expected) => {
    expect(await decisionOf(DENY_NS, { tool: 'shell', args: { command } })).toBe(expected);
  });

  it.each([
    ['deny:\n  - kubectl: "delete namespace prod"\n', 'kubectl delete ns prod'],
    ['deny:\n  - kubectl: "delete namespaces/prod"\n', 'kubectl delete ns prod'],
    ['deny:\n  - kubectl: "delete deployment web*"\n', 'kubectl delete deploy/web-v2'],
    ['deny:\n  - kubectl: "rollout restart deploy/web"\n', 'kubectl rollout restart deployments web'],
    ['deny:\n  - kubectl: "delete pvc data -n prod"\n', 'kubectl delete persistentvolumeclaim/data -n prod'],
  ])('%s meets %s', async (policy, command) => {
    expect(await decisionOf(policy, { tool: 'shell', args: { command } })).toBe('deny');
  });

  it('a kubectl step, its objects written another way', async () => {
    expect(await decisionOf(DENY_NS, { tool: 'kubectl', args: { args: ['delete', 'namespace/prod'], namespace: 'default' } })).toBe('deny');
    expect(await decisionOf(DENY_NS, { tool: 'kubectl', args: { args: ['delete', 'namespaces', 'staging', 'prod'] } })).toBe('deny');
  });
});

describe('kinds kubectl knows past the common ones', () => {
  it.each([
    ['delete priorityclass high', 'kubectl delete pc high'],
    ['delete priorityclasses/high', 'kubectl delete PriorityClass.scheduling.k8s.io high'],
    ['delete endpointslice web-abc', 'kubectl delete endpointslices.discovery.k8s.io web-abc -n shop'],
    ['delete lease kube-scheduler', 'kubectl delete leases/kube-scheduler -n kube-system'],
    ['delete ingressclass nginx', 'kubectl delete ingressclasses nginx'],
    ['delete runtimeclass gvisor', 'kubectl delete runtimeclasses gvisor'],
    ['delete csidriver ebs.csi.aws.com', 'kubectl delete csidrivers ebs.csi.aws.com'],
    ['delete csinode n1', 'kubectl delete csinodes/n1'],
    ['delete volumeattachment va1', 'kubectl delete volumeattachments va1'],
    ['delete validatingadmissionpolicy p', 'kubectl delete validatingadmissionpolicies p'],
    ['delete validatingwebhookconfiguration w', 'kubectl delete validatingwebhookconfigurations.admissionregistration.k8s.io w'],
    ['delete ipaddress 10.0.0.1', 'kubectl delete ip 10.0.0.1'],
    ['delete volumeattributesclass gold', 'kubectl delete vac gold'],
    ['delete componentstatus etcd-0', 'kubectl delete cs etcd-0'],
    ['delete storageversionmigration m', 'kubectl delete storageversionmigrations m'],
    ['delete resourceclaim gpu', 'kubectl delete resourceclaims/gpu'],
  ])('"%s" meets %s', async (rule, command) => {
    expect(await decisionOf(`deny:\n  - kubectl: "${rule}"\n`, { tool: 'shell', args: { command } })).toBe('deny');
  });

  it('still tells the kinds apart', async () => {
    expect(await decisionOf('deny:\n  - kubectl: "delete priorityclass high"\n', { tool: 'shell', args: { command: 'kubectl delete pvc high' } })).toBe('ask');
    expect(await decisionOf('deny:\n  - kubectl: "delete ingressclass nginx"\n', { tool: 'shell', args: { command: 'kubectl delete ingress nginx' } })).toBe('ask');
  });
});

describe('kubeResourceSpellings', () => {
  it('spells each object with each name of its kind, options kept after them', () => {
    const lines = kubeResourceSpellings(['delete', 'namespace/prod', '-n', 'default']).map((words) => words.join(' '));
    expect(lines).toEqual(expect.arrayContaining(['delete ns prod -n default', 'delete namespace prod -n default', 'delete namespaces/prod -n default']));
    expect(lines).not.toContain('delete namespace/prod -n default');
  });

  it('keeps a kind it does not know, splitting its objects', () => {
    expect(kubeResourceSpellings(['delete', 'widgets.example.com', 'a', 'b']).map((words) => words.join(' '))).toEqual(
      expect.arrayContaining(['delete widgets.example.com a', 'delete widgets.example.com/b']),
    );
  });

  it('has nothing to add for a command naming no object', () => {
    expect(kubeResourceSpellings(['apply', '-f', 'x.yaml'])).toEqual([]);
    expect(kubeResourceSpellings(['version'])).toEqual([]);
  });

  it('stops at a bound however many objects a line names', () => {
    const names = Array.from({ length: 500 }, (_, i) => `n${i}`);
    expect(kubeResourceSpellings(['delete', 'ns', ...names]).length).toBeLessThanOrEqual(256);
  });
});
