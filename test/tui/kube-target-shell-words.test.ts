import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../src/planning/index.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';
import { kubeTargets } from '../../src/tui/plan-lines.js';
import { describer } from '../../src/tui/tool-describer.js';

// The cluster line of a shell step reads every word of its kubectl and helm commands, wherever bash lets them stand.

const tools = describer(createBuiltinRegistry(), { context: 'kind-dev', namespace: 'shop', namespaces: { 'kind-dev': 'shop', 'prod-eu': 'web' } });

async function targetsOf(steps: PlanInput['steps']): Promise<Record<string, string[]>> {
  const plan = PlanSchema.parse({ goal: 'look at the cluster', steps });
  const shellKube = await tools.shellKube!(plan);
  return Object.fromEntries(plan.steps.map((step) => [step.id, kubeTargets(step, tools, plan.inputs, shellKube)]));
}

describe('the cluster line of a shell step with a redirection among its words', () => {
  it('reads the options written after the redirection, and set -a after one', async () => {
    expect(
      await targetsOf([
        { id: 'context', tool: 'shell', args: { command: 'kubectl 2>/dev/null --context prod-eu delete ns api' } },
        { id: 'namespace', tool: 'shell', args: { command: 'helm < /dev/null --namespace api list' } },
        { id: 'allexport', tool: 'shell', args: { command: 'set 2>/dev/null -a; HELM_NAMESPACE=web; helm list' } },
      ]),
    ).toEqual({
      context: ["cluster prod-eu · namespace web (the context's)"],
      namespace: ['cluster kind-dev (current) · namespace api'],
      allexport: ['cluster kind-dev (current) · namespace web'],
    });
  });
});

describe('the cluster line of a shell step that hands code to bash -c --', () => {
  it('reads the commands of the code after the --', async () => {
    expect(await targetsOf([{ id: 'code', tool: 'shell', args: { command: "bash -c -- 'kubectl --context prod-eu get pods'" } }])).toEqual({
      code: ["cluster prod-eu · namespace web (the context's)"],
    });
  });
});
