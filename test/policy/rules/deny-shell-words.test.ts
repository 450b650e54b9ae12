import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../../src/planning/index.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { createBuiltinRegistry, riskOptions } from '../../../src/tools/index.js';

// A deny rule meets a command however bash lets its words be written.

const options = riskOptions(createBuiltinRegistry(), process.env, '/srv/app');
const POLICY = parsePolicy('deny:\n  - shell: "terraform destroy*"\n  - shell: "rm -rf *"\n  - kubectl: "delete *"\n  - helm: "uninstall *"\n  - kubectl: "delete ns prod"\n  - shell: "git clean -fdx"\n', '/srv/app/.ksa/policy.yaml');
const plan = (steps: PlanInput['steps']) => PlanSchema.parse({ goal: 'words', steps });

async function decide(command: string): Promise<string> {
  const { decision } = await assessPolicy(plan([{ id: 's', tool: 'shell', args: { command } }]), POLICY, 'write', options);
  return decision.steps[0]!.decision;
}

describe('deny rules and redirections among a command\'s words', () => {
  it.each([
    'terraform 2>/dev/null destroy -auto-approve',
    'terraform < /dev/null destroy -auto-approve',
    'kubectl < /dev/null delete ns prod',
    'kubectl 2> err.log delete ns prod',
    'helm 2>/dev/null uninstall web',
    'sudo 2>/dev/null rm -rf /srv/data',
    'rm >/dev/null -rf /srv/data',
    'git 2>&- clean -fdx',
    'kubectl 2>&- delete ns prod',
    'kubectl 3>&- delete ns prod',
    'kubectl 0<&- delete ns prod',
    'git 2<&- clean -fdx',
    'git 3>&2- clean -fdx',
  ])('%s is denied', async (command) => {
    expect(await decide(command)).toBe('deny');
  });
});

describe('deny rules and the code of a shell -c after its options', () => {
  it.each([
    "bash -c -- 'rm -rf /srv/data'",
    "sh -c -- 'terraform destroy -auto-approve'",
    "sudo bash -c -- 'kubectl delete ns prod'",
    "bash -e -c -- 'helm uninstall web'",
    "bash --norc -c -- 'rm -rf /srv/data'",
    "bash -c -x 'rm -rf /srv/data'",
    "bash -oc pipefail 'rm -rf /srv/data'",
    "bash -Oc extglob 'kubectl delete ns prod'",
    "bash -oec pipefail 'helm uninstall web'",
    "fish -c 'rm -rf /srv/data'",
    "fish --command 'kubectl delete ns prod'",
    "fish --command='helm uninstall web'",
    "fish -C 'terraform destroy -auto-approve' -c 'ls'",
  ])('%s is denied', async (command) => {
    expect(await decide(command)).toBe('deny');
  });
});
