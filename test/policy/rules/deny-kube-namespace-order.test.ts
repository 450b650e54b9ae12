import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../../src/planning/index.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { createBuiltinRegistry, riskOptions } from '../../../src/tools/index.js';

// Rules name the namespace right after the objects (`"get secret db -n shop *"`); a call may write it after other
// options (`-o yaml -n shop`), and a step's `namespace:` and `context:` are written after its arguments as
// `--context x -n prod`. The rule meets the call wherever its namespace stands.

const options = riskOptions(createBuiltinRegistry(), process.env, '/srv/app');

async function decisionOf(pattern: string, step: Record<string, unknown>, program = 'kubectl'): Promise<string> {
  const plan = PlanSchema.parse({ goal: 'order', steps: [{ id: 's', ...step }] });
  const policy = parsePolicy(`deny:\n  - ${program}: "${pattern}"\n`, '/srv/app/.ksa/policy.yaml');
  const decision = (await assessPolicy(plan, policy, 'write', options)).decision.steps[0]!.decision;
  return decision === 'deny' ? 'deny' : 'not denied';
}
const shell = (command: string) => ({ tool: 'shell', args: { command } });

describe('a rule naming an object and its namespace', () => {
  it.each([
    ['get secret db -n shop *', 'kubectl get secret db -o yaml -n shop', 'deny'],
    ['get secret db -n shop *', 'kubectl get secret db -o jsonpath={.data} --namespace=shop', 'deny'],
    ['get secret db -n shop *', 'kubectl get secret/db --show-managed-fields -n shop -o yaml', 'deny'],
    ['get secret db -n shop *', 'kubectl get secret db -o yaml -n dev', 'not denied'],
    ['delete pod web -n prod *', 'kubectl delete pod web --context x -n prod', 'deny'],
    ['delete pod web -n prod *', 'kubectl delete pod web --grace-period 0 --context x --namespace prod', 'deny'],
    ['delete pod web -n prod *', 'kubectl delete pod web --context x -n staging', 'not denied'],
    ['label pod web -n prod *', 'kubectl label pod web tier=x --overwrite -n prod', 'deny'],
  ])('"%s": %s is %s', async (pattern, command, expected) => {
    expect(await decisionOf(pattern, shell(command))).toBe(expected);
  });

  it('a kubectl step with both namespace and context', async () => {
    const step = (namespace: string) => ({ tool: 'kubectl', args: { args: ['delete', 'pod', 'web'], namespace, context: 'x' } });
    expect(await decisionOf('delete pod web -n prod *', step('prod'))).toBe('deny');
    expect(await decisionOf('delete pod web -n prod *', step('staging'))).toBe('not denied');
  });

  it('a k8s_* step with both namespace and context', async () => {
    const step = { tool: 'k8s_rollback', args: { resource: 'deployment/web', toRevision: null, namespace: 'prod', context: 'x' } };
    expect(await decisionOf('delete deployment/web -n prod *', step)).toBe('deny');
  });
});

describe('a helm rule naming a release and its namespace', () => {
  it.each([
    ['uninstall web -n prod *', 'helm uninstall web --kube-context x -n prod', 'deny'],
    ['uninstall web -n prod *', 'helm uninstall web --wait --namespace=prod', 'deny'],
    ['upgrade web * -n prod *', 'helm upgrade web ./chart --install --set image.tag=2 -n prod', 'deny'],
    ['uninstall web -n prod *', 'helm uninstall web --wait -n dev', 'not denied'],
    ['uninstall web -n prod *', 'helm uninstall web --wait -n prod -n dev', 'not denied'],
  ])('"%s": %s is %s', async (pattern, command, expected) => {
    expect(await decisionOf(pattern, shell(command), 'helm')).toBe(expected);
  });

  it('a helm step with both namespace and context', async () => {
    const step = { tool: 'helm', args: { args: ['uninstall', 'web'], namespace: 'prod', context: 'x' } };
    expect(await decisionOf('uninstall web -n prod *', step, 'helm')).toBe('deny');
  });
});
