import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../src/planning/index.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';
import { kubeTargets } from '../../src/tui/plan-lines.js';
import { describer } from '../../src/tui/tool-describer.js';

// The "cluster … · namespace …" line of each step, as the plan card and ksa run's printed plan show it.

const tools = describer(createBuiltinRegistry(), { context: 'kind-dev', namespace: 'shop', namespaces: { 'kind-dev': 'shop', 'prod-eu': 'web' } });

async function targetsOf(steps: PlanInput['steps']): Promise<Record<string, string[]>> {
  const plan = PlanSchema.parse({ goal: 'look at the cluster', steps });
  const shellKube = await tools.shellKube!(plan);
  return Object.fromEntries(plan.steps.map((step) => [step.id, kubeTargets(step, tools, plan.inputs, shellKube)]));
}

describe('the cluster line: --all-namespaces with a value', () => {
  it('reads the value of --all-namespaces=false and -A=false as kubectl does, for the kubectl tool and shell lines', async () => {
    expect(
      await targetsOf([
        { id: 'tool', tool: 'kubectl', args: { args: ['get', 'pods', '--all-namespaces=false', '-n', 'x'] } },
        { id: 'line', tool: 'shell', args: { command: 'kubectl get pods --all-namespaces=false -n x' } },
        { id: 'short', tool: 'shell', args: { command: 'kubectl get pods -A=false' } },
        { id: 'on', tool: 'shell', args: { command: 'kubectl get pods --all-namespaces=true' } },
        { id: 'short-on', tool: 'kubectl', args: { args: ['get', 'pods', '-A=true'] } },
        { id: 'bare', tool: 'shell', args: { command: 'kubectl get pods --all-namespaces' } },
      ]),
    ).toEqual({
      tool: ['cluster kind-dev (current) · namespace x'],
      line: ['cluster kind-dev (current) · namespace x'],
      short: ["cluster kind-dev (current) · namespace shop (the context's)"],
      on: ['cluster kind-dev (current) · all namespaces'],
      'short-on': ['cluster kind-dev (current) · all namespaces'],
      bare: ['cluster kind-dev (current) · all namespaces'],
    });
  });
});
