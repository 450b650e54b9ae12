import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../../src/planning/index.js';
import { classifyShell } from '../../../src/policy/index.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { shellForms } from '../../../src/policy/rules/shell-forms.js';
import { createBuiltinRegistry, parseShell, riskOptions } from '../../../src/tools/index.js';

// A default written in a parameter expansion (`${NS:-prod}`, `${NS=prod}`, `${NS:+prod}`) is a value the word may hold:
// a deny rule meets it, and each other value the variable may hold there, as it meets a value set in a branch.

const options = riskOptions(createBuiltinRegistry(), process.env, '/srv/app');
const POLICY = parsePolicy('deny:\n  - kubectl: "delete ns prod"\n', '/srv/app/.ksa/policy.yaml');

async function decision(command: string, env?: Record<string, string>): Promise<string> {
  const plan = PlanSchema.parse({ goal: 'default values', steps: [{ id: 's', tool: 'shell', args: { command, ...(env ? { env } : {}) } }] });
  return (await assessPolicy(plan, POLICY, 'write', options)).decision.steps[0]!.decision;
}

const staging = (text: string) => text.replaceAll('prod', 'staging');

const DEFAULTS = [
  'kubectl delete ns ${TARGET_NS:-prod}',
  'kubectl delete ns "${TARGET_NS:-prod}"',
  'kubectl delete ns ${NS-prod}',
  'kubectl delete ns ${NS=prod}',
  'kubectl delete ns ${NS:=prod}',
  'kubectl delete ns ${NS:+prod}',
  'kubectl delete ns ${NS+prod}',
  'X=${NS:-prod}; kubectl delete ns $X',
  'X="${NS-prod}"; kubectl delete ns "$X"',
  'X=${NS:+prod}; kubectl delete ns $X',
  ': ${NS:=prod}; kubectl delete ns $NS',
  ': "${NS=prod}"; kubectl delete ns "${NS}"',
  'K=${K:-kubectl}; $K delete ns prod',
  '${KUBECTL:-kubectl} delete ns prod',
  'f() { kubectl delete ns "${1:-prod}"; }; f',
  'eval kubectl delete ns ${NS:-prod}',
  'bash -c "kubectl delete ns ${NS:-prod}"',
];

describe('a default in a parameter expansion', () => {
  it.each(DEFAULTS)('%s is denied by "delete ns prod"', async (command) => {
    expect(await decision(command)).toBe('deny');
  });

  it.each(DEFAULTS)('%s with staging is not denied', async (command) => {
    expect(await decision(staging(command))).toBe('ask');
  });
});

describe('the other values the variable may hold', () => {
  it.each<[string, Record<string, string> | undefined]>([
    ['kubectl delete ns ${NS:-web}', { NS: 'prod' }],
    ['if [ -f f ]; then NS=prod; fi; kubectl delete ns ${NS:-web}', undefined],
    ['X=${NS:-web}; kubectl delete ns $X', { NS: 'prod' }],
    [': ${NS:=web}; kubectl delete ns $NS', { NS: 'prod' }],
    ['if [ -f f ]; then NS=prod; fi; X=${NS-web}; kubectl delete ns "$X"', undefined],
    // What NS held may be empty: then the default is read.
    ['NS=; kubectl delete ns ${NS:-prod}', undefined],
  ])('%s with %j is denied', async (command, env) => {
    expect(await decision(command, env)).toBe('deny');
  });
});

describe('a default that cannot apply', () => {
  it.each<[string, Record<string, string> | undefined]>([
    // NS surely holds a value: the default is not what runs.
    ['NS=web; kubectl delete ns ${NS:-prod}', undefined],
    ['kubectl delete ns ${NS:-prod}', { NS: 'web' }],
    ['NS=web; if [ -f f ]; then NS=dev; fi; kubectl delete ns ${NS:-prod}', undefined],
    ['NS=web; X=${NS:-prod}; kubectl delete ns $X', undefined],
    ['NS=web; : ${NS:=prod}; kubectl delete ns $NS', undefined],
    // Set but empty: `-` keeps it empty, `:+` gives nothing.
    ['NS=; kubectl delete ns ${NS-prod}', undefined],
    ['NS=; kubectl delete ns ${NS:+prod}', undefined],
    // An alternate value is the word or nothing, never the variable's own.
    ['kubectl delete ns ${NS:+web}', undefined],
    ['if [ -f f ]; then NS=prod; fi; kubectl delete ns ${NS+web}', undefined],
  ])('%s with %j is not denied', async (command, env) => {
    expect(await decision(command, env)).toBe('ask');
  });
});

describe('the risk rater keeps its reading', () => {
  it('rates arithmetic over a variable a default may set as before', async () => {
    expect((await classifyShell(': ${N:=5}; echo $(( N + 1 ))', parseShell)).level).toBe((await classifyShell(': ${N:=$(cat f)}; echo $(( N + 1 ))', parseShell)).level);
  });
});

describe('a command read with each value it may hold', () => {
  it('is met once per form: the readings add only the lines they fill in', async () => {
    const forms = await shellForms('if [ -f f ]; then NS=dev; fi; kubectl delete ns ${NS:-web} $NS', parseShell);
    const lines = forms.map((form) => `${form.tool}: ${form.commandLine}`);
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines).toEqual(expect.arrayContaining(['kubectl: delete ns web dev', 'kubectl: delete ns dev dev', 'shell: kubectl delete ns ${NS:-web} $NS']));
  });
});
