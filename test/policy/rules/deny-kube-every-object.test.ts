import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../../src/planning/index.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { everyObjectPatterns } from '../../../src/policy/rules/every-object.js';
import { rawObject } from '../../../src/policy/rules/kube-raw-path.js';
import { createBuiltinRegistry, riskOptions } from '../../../src/tools/index.js';

// A kubectl call that picks a kind's objects other than by name (every one, those a label or field selector picks,
// in every namespace) may act on the one a rule names: it meets the rule, for the rule's own verb and kind only. A
// `--raw` path names the object it requests.

const options = riskOptions(createBuiltinRegistry(), process.env, '/srv/app');

async function decisionOf(policy: string, step: Record<string, unknown>): Promise<string> {
  const plan = PlanSchema.parse({ goal: 'every object', steps: [{ id: 's', ...step }] });
  return (await assessPolicy(plan, parsePolicy(policy, '/srv/app/.ksa/policy.yaml'), 'write', options)).decision.steps[0]!.decision;
}

const DENY_NS = 'deny:\n  - kubectl: "delete ns prod"\n';
const shell = (command: string) => ({ tool: 'shell', args: { command } });

describe('"delete ns prod" and a call that picks namespaces other than by name', () => {
  it.each([
    'kubectl delete ns --all',
    'kubectl delete namespaces --all --wait=false',
    'kubectl delete namespace --all=true',
    'kubectl delete ns -l env=prod',
    'kubectl delete ns -lenv=prod',
    'kubectl delete ns --selector env=prod',
    'kubectl delete ns --selector=env=prod',
    'kubectl delete ns --field-selector metadata.name=prod',
    'kubectl delete ns,deploy --field-selector=metadata.name=prod',
    'kubectl --context kind delete ns --all',
    'kubectl delete --raw /api/v1/namespaces/prod',
    'kubectl delete --raw=/api/v1/namespaces/prod?gracePeriodSeconds=0',
    'kubectl delete --raw /api/v1/namespaces',
  ])('%s is denied', async (command) => {
    expect(await decisionOf(DENY_NS, shell(command))).toBe('deny');
  });

  it('as a kubectl step too', async () => {
    expect(await decisionOf(DENY_NS, { tool: 'kubectl', args: { args: ['delete', 'ns', '--all'] } })).toBe('deny');
    expect(await decisionOf(DENY_NS, { tool: 'kubectl', args: { args: ['delete', 'namespaces', '-l', 'team=a'], context: 'kind' } })).toBe('deny');
  });

  it.each([
    // Another verb, another kind, named objects, nothing picked.
    ['kubectl get ns --all', 'allow'],
    ['kubectl get ns -l env=prod', 'allow'],
    ['kubectl label ns --all team=a', 'allow'],
    ['kubectl delete pods --all', 'ask'],
    ['kubectl delete deploy -l app=prod', 'ask'],
    ['kubectl delete ns staging', 'ask'],
    ['kubectl delete ns --all=false staging', 'ask'],
    ['kubectl delete --raw /api/v1/namespaces/staging', 'ask'],
    ['kubectl delete --raw /api/v1/namespaces/prod/pods/web', 'ask'],
    ['kubectl get --raw /api/v1/namespaces/prod', 'allow'],
  ])('%s is %s', async (command, expected) => {
    expect(await decisionOf(DENY_NS, shell(command))).toBe(expected);
  });
});

describe('rules naming objects in a namespace', () => {
  const DENY_POD = 'deny:\n  - kubectl: "delete pod web -n prod"\n';
  it.each([
    ['kubectl delete pods --all -n prod', 'deny'],
    ['kubectl delete po -l app=web --namespace=prod', 'deny'],
    ['kubectl delete pods --all -A', 'deny'],
    ['kubectl delete pods -l app=web --all-namespaces', 'deny'],
    ['kubectl delete --raw /api/v1/namespaces/prod/pods/web', 'deny'],
    ['kubectl delete --raw /api/v1/namespaces/prod/pods', 'deny'],
    ['kubectl delete pods --all -n staging', 'ask'],
    ['kubectl delete --raw /api/v1/namespaces/staging/pods', 'ask'],
    ['kubectl get pods --all -A', 'allow'],
  ])('"delete pod web -n prod": %s is %s', async (command, expected) => {
    expect(await decisionOf(DENY_POD, shell(command))).toBe(expected);
  });

  it('a rule written with the name after a slash, or a group in the path', async () => {
    expect(await decisionOf('deny:\n  - kubectl: "delete deployment/web"\n', shell('kubectl delete deploy --all -n shop'))).toBe('deny');
    expect(await decisionOf('deny:\n  - kubectl: "delete deploy web"\n', shell('kubectl delete --raw /apis/apps/v1/namespaces/shop/deployments/web'))).toBe('deny');
    expect(await decisionOf('deny:\n  - kubectl: "rollout restart deploy web"\n', shell('kubectl rollout restart deployments --selector app=web'))).toBe('deny');
  });
});

describe('everyObjectPatterns', () => {
  it('writes the names a rule gives as every one, and its namespace too', () => {
    expect(everyObjectPatterns('delete ns prod staging')).toEqual(['delete ns %every%']);
    expect(everyObjectPatterns('delete ns/prod *')).toEqual(['delete ns/%every% *']);
    expect(everyObjectPatterns('delete pod web -n prod *')).toEqual(['delete pod %every% -n prod *', 'delete pod %every% -n %every% *']);
    expect(everyObjectPatterns('rollout restart deploy web')).toEqual(['rollout restart deploy %every%']);
  });

  it('has none for a rule that names no object', () => {
    expect(everyObjectPatterns('delete *')).toEqual([]);
    expect(everyObjectPatterns('delete -f x.yaml')).toEqual([]);
    expect(everyObjectPatterns('get pods')).toEqual([]);
  });
});

describe('rawObject', () => {
  it.each([
    ['/api/v1/namespaces/prod', { kind: 'namespaces', name: 'prod' }],
    ['/api/v1/namespaces/prod/finalize', { kind: 'namespaces', name: 'prod' }],
    ['/api/v1/namespaces/prod/pods', { kind: 'pods', namespace: 'prod' }],
    ['/api/v1/namespaces/prod/pods/web/status', { kind: 'pods', name: 'web', namespace: 'prod' }],
    ['/apis/apps/v1/namespaces/shop/deployments/web', { kind: 'deployments.apps', name: 'web', namespace: 'shop' }],
    ['/apis/scheduling.k8s.io/v1/priorityclasses/high?dryRun=All', { kind: 'priorityclasses.scheduling.k8s.io', name: 'high' }],
    ['https://10.0.0.1:6443/api/v1/nodes/n%31', { kind: 'nodes', name: 'n1' }],
  ])('%s is %j', (path, expected) => {
    expect(rawObject(path)).toEqual(expected);
  });

  it('names nothing for a path that is no object', () => {
    expect(rawObject('/healthz')).toBeUndefined();
    expect(rawObject('/apis')).toBeUndefined();
    expect(rawObject('/api/v1')).toBeUndefined();
  });
});
