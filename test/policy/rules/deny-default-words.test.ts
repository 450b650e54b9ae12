import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../../src/planning/index.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { createBuiltinRegistry, riskOptions } from '../../../src/tools/index.js';

// A default's word is read as bash reads it: quotes removed, a backslash's character, the values of the variables and
// of the defaults it holds; and what a default gives reaches a shell the line starts with it exported, and a loop
// over it.

const options = riskOptions(createBuiltinRegistry(), process.env, '/srv/app');
const POLICY = parsePolicy('deny:\n  - kubectl: "delete ns prod"\n', '/srv/app/.ksa/policy.yaml');

async function decision(command: string): Promise<string> {
  const plan = PlanSchema.parse({ goal: 'default words', steps: [{ id: 's', tool: 'shell', args: { command } }] });
  return (await assessPolicy(plan, POLICY, 'write', options)).decision.steps[0]!.decision;
}

describe('a default whose word bash makes prod', () => {
  it.each([
    'kubectl delete ns ${NS:-"prod"}',
    "kubectl delete ns ${NS:-'prod'}",
    'kubectl delete ns "${NS:-"prod"}"',
    'kubectl delete ns ${NS:-p\\rod}',
    'X=prod; kubectl delete ns ${NS:-$X}',
    'X=prod; kubectl delete ns "${NS:-$X}"',
    'DEFAULT_NS=prod; kubectl delete ns ${NS:-${DEFAULT_NS}}',
    'kubectl delete ns ${NS:-${DEFAULT_NS:-prod}}',
    'A=${B:-${C:-prod}}; kubectl delete ns $A',
    'NS="${NS:-"prod"}"; kubectl delete ns "$NS"',
    ': "${NS:="prod"}"; kubectl delete ns "$NS"',
  ])('%s is denied', async (command) => {
    expect(await decision(command)).toBe('deny');
  });

  it.each([
    'X=web; kubectl delete ns ${NS:-$X}',
    'kubectl delete ns ${NS:-$OTHER}',
    'kubectl delete ns ${NS:-${D:-web}}',
    // In double quotes a single quote is a character: the namespace is 'prod', quotes and all.
    `kubectl delete ns "\${NS:-'prod'}"`,
    'NS=web; kubectl delete ns ${NS:-"prod"}',
  ])('%s is not', async (command) => {
    expect(await decision(command)).toBe('ask');
  });
});

describe('what a default gives, handed to another shell or looped over', () => {
  it.each([
    "export NS=${NS:-prod}; bash -c 'kubectl delete ns $NS'",
    "NS=${NS:-prod} bash -c 'kubectl delete ns $NS'",
    `env NS=\${NS:-prod} sh -c 'kubectl delete ns "$NS"'`,
    'for ns in ${NSS:-prod}; do kubectl delete ns $ns; done',
    'for ns in web ${NSS:-"prod"}; do kubectl delete ns "$ns"; done',
    'for ns in ${NSS:-web prod}; do kubectl delete ns "$ns"; done',
    // An assignment env makes from a value known at run time still leaves the command behind it.
    'env NS=$X kubectl delete ns prod',
    'sudo NS=$X kubectl delete ns prod',
  ])('%s is denied', async (command) => {
    expect(await decision(command)).toBe('deny');
  });

  it.each([
    // Not exported, a variable the line set is not the other shell's.
    "NS=${NS:-prod}; bash -c 'kubectl delete ns $NS'",
    "export NS=${NS:-web}; bash -c 'kubectl delete ns $NS'",
    'for ns in ${NSS:-web}; do kubectl delete ns $ns; done',
    // Quoted or escaped, the blank splits nothing: one namespace, "web prod".
    'for ns in ${NSS:-"web prod"}; do kubectl delete ns "$ns"; done',
    'for ns in ${NSS:-web\\ prod}; do kubectl delete ns "$ns"; done',
  ])('%s is not', async (command) => {
    expect(await decision(command)).toBe('ask');
  });
});
