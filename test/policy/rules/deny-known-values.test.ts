import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../../src/planning/index.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { createBuiltinRegistry, riskOptions } from '../../../src/tools/index.js';

// Deny rules meet a command with the values its variables surely hold: the line's, or the step's `env`.

const options = riskOptions(createBuiltinRegistry(), process.env, '/srv/app');
const POLICY = parsePolicy('deny:\n  - kubectl: "delete ns prod"\n  - shell: "kubectl delete ns prod-eu"\n', '/srv/app/.ksa/policy.yaml');

async function decision(command: string, env?: Record<string, string>, rollback?: { tool: string; args: Record<string, unknown> }): Promise<string> {
  const plan = PlanSchema.parse({ goal: 'values', steps: [{ id: 's', tool: 'shell', args: { command, ...(env ? { env } : {}) }, ...(rollback ? { rollback } : {}) }] });
  return (await assessPolicy(plan, POLICY, 'write', options)).decision.steps[0]!.decision;
}

describe('deny rules and the values a line reads', () => {
  it.each<[string, Record<string, string> | undefined]>([
    ['kubectl delete ns $NS', { NS: 'prod' }],
    ['kubectl delete ns "${NS}"', { NS: 'prod' }],
    ['kubectl $V ns prod', { V: 'delete' }],
    ['kubectl delete ns prod-$SUFFIX', { SUFFIX: 'eu' }],
    ['NS=prod; kubectl delete ns $NS', undefined],
    ['sh -c "kubectl delete ns \\$NS"', { NS: 'prod' }],
    // Code handed on gets the values known where it is handed: the outer shell fills a double-quoted -c string in,
    // eval its expanded words, and a shell or eval started there starts with the step's values.
    ['bash -c "kubectl delete ns $NS"', { NS: 'prod' }],
    ['sh -c "kubectl delete ns ${NS}"', { NS: 'prod' }],
    ['eval kubectl delete ns $NS', { NS: 'prod' }],
    ["eval 'kubectl delete ns $NS'", { NS: 'prod' }],
    ['eval "kubectl $V ns prod"', { V: 'delete' }],
    ["bash -c 'eval kubectl delete ns \\$NS'", { NS: 'prod' }],
    ["eval 'bash -c \"kubectl delete ns $NS\"'", { NS: 'prod' }],
    ['P=prod; eval kubectl delete ns $P', undefined],
    ['kubectl delete ns $NS; eval "$X"', { NS: 'prod' }],
  ])('%s with %j is denied', async (command, env) => {
    expect(await decision(command, env)).toBe('deny');
  });

  it('a rollback is met with its own env', async () => {
    expect(await decision('echo hi', undefined, { tool: 'shell', args: { command: 'kubectl delete ns $NS', env: { NS: 'prod' } } })).toBe('deny');
  });

  it.each<[string, Record<string, string> | undefined]>([
    ['kubectl delete ns $NS', { NS: 'staging' }],
    ['read NS; kubectl delete ns $NS', { NS: 'prod' }],
    ['NS=$(cat ns); kubectl delete ns $NS', { NS: 'prod' }],
    ['for NS in a b; do kubectl delete ns $NS; done', { NS: 'prod' }],
    ['kubectl delete ns $NS', { NS: '{{ steps.pick.output.stdout }}' }],
    ['eval kubectl delete ns $NS', { NS: 'staging' }],
    ['eval "$X"; eval kubectl delete ns $NS', { NS: 'prod' }],
    ['for i in 1 2; do eval kubectl delete ns $NS; source ./x.sh; done', { NS: 'prod' }],
    ['bash -c "kubectl delete ns $NS"', { NS: 'prod', IFS: ':' }],
  ])('%s with %j is not met by the value', async (command, env) => {
    expect(await decision(command, env)).toBe('ask');
  });
});
