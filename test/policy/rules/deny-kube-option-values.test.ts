import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../../src/planning/index.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { createBuiltinRegistry, riskOptions } from '../../../src/tools/index.js';

// kubectl and helm options that take a value are left out wherever they are written, after the operands too, and a
// kubectl step's namespace and context are option values, not words of the command a rule is written for.

const options = riskOptions(createBuiltinRegistry(), process.env, '/srv/app');
const POLICY = parsePolicy('deny:\n  - kubectl: "delete ns prod"\n  - helm: "uninstall web"\n', '/srv/app/.ksa/policy.yaml');

async function decisionOf(step: Record<string, unknown>): Promise<string> {
  const plan = PlanSchema.parse({ goal: 'options', steps: [{ id: 's', ...step }] });
  return (await assessPolicy(plan, POLICY, 'write', options)).decision.steps[0]!.decision;
}

describe('an option value written after the operands', () => {
  it.each([
    ['kubectl delete ns prod -n default', 'deny'],
    ['kubectl delete ns prod --context kind', 'deny'],
    ['kubectl delete ns prod --namespace default --context kind', 'deny'],
    ['kubectl delete ns prod -l app=web', 'deny'],
    ['kubectl delete ns prod -n=default', 'deny'],
    ['kubectl delete ns prod -ndefault', 'deny'],
    ['helm uninstall web -n default', 'deny'],
    ['helm uninstall web --kube-context kind', 'deny'],
    ['kubectl delete ns staging -n prod', 'ask'],
    ['kubectl delete ns staging --context prod', 'ask'],
    ['kubectl delete ns staging --namespace prod', 'ask'],
    ['helm uninstall api -n web', 'ask'],
  ])('%s is %s', async (command, expected) => {
    expect(await decisionOf({ tool: 'shell', args: { command } })).toBe(expected);
  });

  it.each([
    [['delete', 'ns', 'prod', '-n', 'default'], 'deny'],
    [['delete', 'ns', 'prod', '--context', 'kind'], 'deny'],
    [['delete', 'ns', 'staging', '-n', 'prod'], 'ask'],
  ])('the kubectl step %j is %s', async (args, expected) => {
    expect(await decisionOf({ tool: 'kubectl', args: { args } })).toBe(expected);
  });
});

describe("a kubectl step's namespace and context", () => {
  it.each([
    [{ args: ['delete', 'ns', 'prod'], namespace: 'default' }, 'deny'],
    [{ args: ['delete', 'ns', 'prod'], context: 'kind' }, 'deny'],
    [{ args: ['delete', 'ns', 'prod'], namespace: 'default', context: 'kind' }, 'deny'],
    [{ args: ['delete', 'ns', 'staging'], namespace: 'prod' }, 'ask'],
    [{ args: ['delete', 'ns', 'staging'], context: 'prod' }, 'ask'],
  ])('%j is %s', async (args, expected) => {
    expect(await decisionOf({ tool: 'kubectl', args })).toBe(expected);
  });
});
