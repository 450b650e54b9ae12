import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../../src/planning/index.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { createBuiltinRegistry, riskOptions } from '../../../src/tools/index.js';

// A shell the line starts gets the variables exported where it starts, with the values they hold there, and the
// words after its -c code as $0, $1…: deny rules meet the code with them.

const options = riskOptions(createBuiltinRegistry(), process.env, '/srv/app');
const POLICY = parsePolicy('deny:\n  - kubectl: "delete ns prod"\n  - shell: "rm -rf /path/keep*"\n', '/srv/app/.ksa/policy.yaml');

async function decision(command: string, env?: Record<string, string>): Promise<string> {
  const plan = PlanSchema.parse({ goal: 'child', steps: [{ id: 's', tool: 'shell', args: { command, ...(env ? { env } : {}) } }] });
  return (await assessPolicy(plan, POLICY, 'write', options)).decision.steps[0]!.decision;
}

describe('values handed to a child shell', () => {
  it.each<[string, Record<string, string> | undefined]>([
    ["export NS=prod; sh -c 'kubectl delete ns $NS'", undefined],
    ["NS=prod; export NS; bash -c 'kubectl delete ns $NS'", undefined],
    ["declare -x NS=prod; bash -c 'kubectl delete ns $NS'", undefined],
    ["set -a; NS=prod; bash -c 'kubectl delete ns $NS'", undefined],
    // The step's env is exported: a value the line gives it is the one the child sees.
    ["NS=prod; bash -c 'kubectl delete ns $NS'", { NS: 'dev' }],
    ["export D=/path/keep; bash -c 'rm -rf $D'", undefined],
    ["export NS=prod; bash -c \"bash -c 'kubectl delete ns \\$NS'\"", undefined],
    ["bash -c 'kubectl delete ns $1' _ prod", undefined],
    ["sh -c 'kubectl delete ns ${2}' _ dev prod", undefined],
    ["bash -c 'kubectl $0 ns prod' delete", undefined],
    ["P=prod; bash -c 'kubectl delete ns $1' _ \"$P\"", undefined],
  ])('%s with %j is denied', async (command, env) => {
    expect(await decision(command, env)).toBe('deny');
  });

  it.each<[string, Record<string, string> | undefined]>([
    // Not exported: the child shell does not see the line's value.
    ["NS=prod; bash -c 'kubectl delete ns $NS'", undefined],
    ["NS=prod; bash -c 'kubectl delete ns $NS'; export NS", undefined],
    ["export NS=prod; sudo bash -c 'kubectl delete ns $NS'", undefined],
    ["export NS=staging; bash -c 'kubectl delete ns $NS'", { NS: 'prod' }],
    ["bash -c 'kubectl delete ns $2' _ prod", undefined],
    ["bash -c 'shift; kubectl delete ns $1' _ prod staging", undefined],
    ["bash -c 'kubectl delete ns $1' _ staging", undefined],
  ])('%s with %j is not met by the value', async (command, env) => {
    expect(await decision(command, env)).toBe('ask');
  });
});
