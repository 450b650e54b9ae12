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

  it.each<[string, RiskLevel]>([
    // -s names what runs the code: a shell runs it, any other program is rated as the program it is.
    ['su -s ./tool root -c ls', 'write'],
    ['su -s ./tool root', 'write'],
    ["su -s /bin/rm root -c 'ls'", 'destroy'],
    ['su -s "$SH" root -c ls', 'destroy'],
    ['SH=bash; su -s "$SH" root -c ls', 'read'],
    ['su --shell=/bin/bash root -c ls', 'read'],
    ['su -ms /bin/dash root -c ls', 'read'],
    // A word known only at run time may be any options (`-s ./tool`): su may run a program the line chooses.
    ['su $OPTS root -c "ls"', 'destroy'],
    ['su root $OPTS -c "ls"', 'destroy'],
    ['su $FLAGS root', 'destroy'],
    ['runuser $FLAGS root', 'destroy'],
    // getopt_long takes a prefix naming one long option alone; an unknown or ambiguous one is not read past.
    ['su --comm=ls deploy', 'read'],
    ['su --sh=/bin/bash root --comm ls', 'read'],
    ['su --s=/bin/bash root -c ls', 'destroy'],
    ['su --p root -c ls', 'destroy'],
    ['su --frobnicate=/bin/ls root', 'destroy'],
    ['su --login=yes root -c ls', 'destroy'],
    ['su -x root -c ls', 'destroy'],
    ['su --log root -c ls', 'read'],
  ])('%s is %s', async (command, level) => {
    expect(await classify(command)).toBe(level);
  });

  it.each([
    'runuser --us=root -- rm -rf /srv/app',
    'runuser --use root rm -rf /srv/app',
    "su --comm='rm -rf /srv/app' deploy",
    "su --com 'rm -rf /srv/app' root",
    "su --session-comm 'rm -rf /srv/app' root",
    "su --sh /bin/bash --comm 'rm -rf /srv/app' root",
  ])('%s reads the option a prefix names: destroy and denied', async (command) => {
    expect(await classify(command)).toBe('destroy');
    expect(await decision(command)).toBe('deny');
  });

  it('meets a kubectl rule in the code su runs', async () => {
    expect(await decision("su deploy -c 'kubectl delete ns prod'")).toBe('deny');
    expect(await decision("su deploy -c 'kubectl delete ns staging'")).toBe('ask');
  });
});

describe('su whose options are not read', () => {
  // What runs is chosen at run time (destroy, always asked), and the -c code is one thing it may run: deny rules meet it.
  it.each([
    "su $OPTS root -c 'kubectl delete ns prod'",
    "su --frobnicate root -c 'rm -rf /srv/app'",
    "su root $OPTS --command='rm -rf /srv/app'",
    "su $OPTS root --comm 'kubectl delete ns prod'",
    "su -x root -lc 'rm -rf /srv/app'",
    "su $OPTS root -c'rm -rf /srv/app'",
    "runuser $OPTS root -c 'rm -rf /srv/app'",
  ])('%s is destroy and denied by the code it may run', async (command) => {
    expect(await classify(command)).toBe('destroy');
    expect(await decision(command)).toBe('deny');
  });

  it.each(["su $OPTS root -c 'kubectl delete ns staging'", "su $OPTS root -s 'rm -rf /srv/app'", "su $OPTS root -gc 'rm -rf /srv/app'"])('%s is asked, not denied', async (command) => {
    expect(await decision(command)).toBe('ask');
  });
});
