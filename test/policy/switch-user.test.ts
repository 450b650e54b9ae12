import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../src/planning/index.js';
import { classifyShell, type RiskLevel } from '../../src/policy/index.js';
import { assessPolicy, parsePolicy } from '../../src/policy/rules/index.js';
import { createBuiltinRegistry, parseShell, riskOptions } from '../../src/tools/index.js';

// su and runuser read their options anywhere before `--`: the user is an operand, the code of -c is what runs.

const classify = async (command: string) => (await classifyShell(command, parseShell)).level;
const options = riskOptions(createBuiltinRegistry(), process.env, '/srv/app');
const POLICY = parsePolicy('deny:\n  - shell: "rm -rf /srv*"\n  - kubectl: "delete ns prod"\n', '/srv/app/.ksa/policy.yaml');

async function decision(command: string): Promise<string> {
  const plan = PlanSchema.parse({ goal: 'su', steps: [{ id: 's', tool: 'shell', args: { command } }] });
  return (await assessPolicy(plan, POLICY, 'write', options)).decision.steps[0]!.decision;
}

const DESTROYING = [
  "su deploy -c 'rm -rf /srv/app'",
  "su -c 'rm -rf /srv/app' deploy",
  "su - deploy -c 'rm -rf /srv/app'",
  "su -l deploy --command='rm -rf /srv/app'",
  "su deploy --command 'rm -rf /srv/app'",
  "su -s /bin/bash deploy -c 'rm -rf /srv/app'",
  "su -lc 'rm -rf /srv/app' deploy",
  "su deploy -- -c 'rm -rf /srv/app'",
  "sudo su - deploy -c 'rm -rf /srv/app'",
  'runuser -u deploy -- rm -rf /srv/app',
  'runuser -u deploy rm -rf /srv/app',
  'runuser --user=deploy -- rm -rf /srv/app',
  "runuser deploy -c 'rm -rf /srv/app'",
  "runuser -l deploy -c 'rm -rf /srv/app'",
];

describe('su and runuser', () => {
  it.each(DESTROYING)('%s is destroy and denied by rm -rf /srv*', async (command) => {
    expect(await classify(command)).toBe('destroy');
    expect(await decision(command)).toBe('deny');
  });

  it.each<[string, RiskLevel]>([
    // The user is not a program: what runs is the code, or the shell su starts.
    ["su deploy -c 'ls -la'", 'read'],
    ["su -c 'kubectl get pods' deploy", 'read'],
    ['runuser -u deploy -- ls -la', 'read'],
    ['su deploy', 'write'],
    ['su - deploy', 'write'],
    ['runuser -u deploy', 'write'],
    ['su rm', 'write'],
  ])('%s is %s', async (command, level) => {
    expect(await classify(command)).toBe(level);
  });

  it('meets a kubectl rule in the code su runs', async () => {
    expect(await decision("su deploy -c 'kubectl delete ns prod'")).toBe('deny');
    expect(await decision("su deploy -c 'kubectl delete ns staging'")).toBe('ask');
  });
});
