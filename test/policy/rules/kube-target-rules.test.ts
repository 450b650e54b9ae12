import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../../src/planning/index.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { createBuiltinRegistry, riskOptions } from '../../../src/tools/index.js';

// Rules over the namespace and context a cluster step names, however it names them:
// planners use the context/namespace arguments, people write flags in every spelling.

const options = riskOptions(createBuiltinRegistry());
const POLICY = parsePolicy('ask:\n  - kubectl: "* -n prod*"\n  - kubectl: "* --context prod*"\n', '/ws/.ksa/policy.yaml');

async function decisions(steps: PlanInput['steps']): Promise<Record<string, string>> {
  const { decision } = await assessPolicy(PlanSchema.parse({ goal: 'kube', steps }), POLICY, 'write', options);
  return Object.fromEntries(decision.steps.map((step) => [step.stepId, step.decision]));
}

describe('ask rules over the namespace and the context', () => {
  it('match the namespace and context arguments, as the step is shown', async () => {
    expect(
      await decisions([
        { id: 'ns', tool: 'kubectl', args: { args: ['apply', '-f', 'x.yaml'], namespace: 'prod' } },
        { id: 'ctx', tool: 'kubectl', args: { args: ['apply', '-f', 'x.yaml'], context: 'prod-eu' } },
        { id: 'apply', tool: 'k8s_apply', args: { manifests: 'x.yaml', namespace: 'prod' } },
        { id: 'dev', tool: 'kubectl', args: { args: ['apply', '-f', 'x.yaml'], namespace: 'dev', context: 'kind-dev' } },
      ]),
    ).toEqual({ ns: 'ask', ctx: 'ask', apply: 'ask', dev: 'allow' });
  });

  it('match every spelling of the flags inside args: --namespace=x, --namespace x, -nx, --context=x', async () => {
    expect(
      await decisions([
        { id: 'equals', tool: 'kubectl', args: { args: ['apply', '-f', 'x.yaml', '--namespace=prod'] } },
        { id: 'long', tool: 'kubectl', args: { args: ['apply', '-f', 'x.yaml', '--namespace', 'prod'] } },
        { id: 'short', tool: 'kubectl', args: { args: ['apply', '-f', 'x.yaml', '-nprod'] } },
        { id: 'context', tool: 'kubectl', args: { args: ['--context=prod-eu', 'apply', '-f', 'x.yaml'] } },
        { id: 'exec', tool: 'kubectl', args: { args: ['exec', 'web', '--', 'ls', '--namespace=prod'] } },
      ]),
    ).toEqual({ equals: 'ask', long: 'ask', short: 'ask', context: 'ask', exec: 'allow' });
  });

  it('match -n=x, which kubectl and helm read as namespace x, in a step and in a shell line', async () => {
    const policy = parsePolicy('deny:\n  - kubectl: "* -n prod *"\n  - helm: "* -n prod *"\n  - kubectl: "* --context prod *"\n  - helm: "* --kube-context prod *"\n', '/ws/.ksa/policy.yaml');
    const steps: PlanInput['steps'] = [
      { id: 'step', tool: 'kubectl', args: { args: ['create', 'configmap', 'x', '-n=prod', '--from-literal=a=b'] } },
      { id: 'leading', tool: 'kubectl', args: { args: ['-n=prod', 'create', 'configmap', 'x'] } },
      { id: 'line', tool: 'shell', args: { command: 'kubectl create configmap y -n=prod --from-literal=a=b' } },
      { id: 'sudo', tool: 'shell', args: { command: "sudo kubectl create configmap y '-n=prod'" } },
      { id: 'helm', tool: 'helm', args: { args: ['upgrade', 'web', './c', '-n=prod'] } },
      { id: 'helmline', tool: 'shell', args: { command: 'helm upgrade web ./c -n=prod' } },
      { id: 'context', tool: 'kubectl', args: { args: ['get', 'pods', '--context=prod'] } },
      { id: 'kubecontext', tool: 'shell', args: { command: 'helm upgrade web ./c --kube-context=prod' } },
      { id: 'other', tool: 'kubectl', args: { args: ['create', 'configmap', 'x', '-n=production'] } },
    ];
    const { decision } = await assessPolicy(PlanSchema.parse({ goal: 'kube', steps }), policy, 'write', options);
    expect(Object.fromEntries(decision.steps.map((step) => [step.stepId, step.decision]))).toEqual({
      step: 'deny',
      leading: 'deny',
      line: 'deny',
      sudo: 'deny',
      helm: 'deny',
      helmline: 'deny',
      context: 'deny',
      kubecontext: 'deny',
      other: 'allow',
    });
  });
});

describe('a rule ending in " *"', () => {
  it('"* -n prod *" also matches a namespace that ends the line, however it was written, and not another namespace', async () => {
    const policy = parsePolicy('ask:\n  - kubectl: "* -n prod *"\n', '/ws/.ksa/policy.yaml');
    const steps: PlanInput['steps'] = [
      { id: 'argument', tool: 'kubectl', args: { args: ['apply', '-f', 'k8s/'], namespace: 'prod' } },
      { id: 'leading', tool: 'kubectl', args: { args: ['-n', 'prod', 'apply', '-f', 'k8s/'] } },
      { id: 'long', tool: 'kubectl', args: { args: ['apply', '-f', 'k8s/', '--namespace', 'prod'] } },
      { id: 'last', tool: 'kubectl', args: { args: ['apply', '-f', 'k8s/', '-n', 'prod'] } },
      { id: 'middle', tool: 'kubectl', args: { args: ['get', 'pods', '-n', 'prod', '-o', 'wide'] } },
      { id: 'shell', tool: 'shell', args: { command: 'kubectl apply -f k8s/ -n prod' } },
      { id: 'other', tool: 'kubectl', args: { args: ['apply', '-f', 'k8s/'], namespace: 'production' } },
    ];
    const { decision } = await assessPolicy(PlanSchema.parse({ goal: 'kube', steps }), policy, 'write', options);
    expect(Object.fromEntries(decision.steps.map((step) => [step.stepId, step.decision]))).toEqual({
      argument: 'ask',
      leading: 'ask',
      long: 'ask',
      last: 'ask',
      middle: 'ask',
      shell: 'ask',
      other: 'allow',
    });
  });
});

describe('deny rules over kubectl subcommands', () => {
  it('match when global flags come before the subcommand', async () => {
    const deny = parsePolicy('deny:\n  - kubectl: "delete *"\n', '/ws/.ksa/policy.yaml');
    const { decision } = await assessPolicy(
      PlanSchema.parse({ goal: 'kube', steps: [{ id: 'rm', tool: 'kubectl', args: { args: ['-n', 'default', '--context=kind-dev', 'delete', 'pod', 'web'] } }] }),
      deny,
      'write',
      options,
    );
    expect(decision.decision).toBe('deny');
    expect(decision.denied[0]!.why).toBe('kubectl -n default --context=kind-dev delete pod web: denied by deny kubectl: "delete *" (/ws/.ksa/policy.yaml:2)');
  });
});
