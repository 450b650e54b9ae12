import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../../src/planning/index.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { createBuiltinRegistry, riskOptions } from '../../../src/tools/index.js';

// A default (`${NS:-prod}`) is met by a deny rule only where its variable may be unset, or empty, at that point: not
// where every call of the function passes its argument, after `set -- web`, `NS=${NS:-web}`, `: ${NS:=web}`, `unset
// NS` for `${NS+prod}`, or a branch every way through which sets it. Where it may really be unset, it still is.

const options = riskOptions(createBuiltinRegistry(), process.env, '/srv/app');
const POLICY = parsePolicy('deny:\n  - kubectl: "delete ns prod"\n', '/srv/app/.ksa/policy.yaml');

async function decision(command: string): Promise<string> {
  const plan = PlanSchema.parse({ goal: 'set values', steps: [{ id: 's', tool: 'shell', args: { command } }] });
  return (await assessPolicy(plan, POLICY, 'write', options)).decision.steps[0]!.decision;
}

describe('a default for a variable surely set there is not met', () => {
  it.each([
    'drop() { kubectl delete ns "${1:-prod}"; }; drop web',
    'f() { kubectl delete ns ${1:-prod}; }; f web; f staging',
    'f() { local n=${1:-prod}; kubectl delete ns $n; }; f web',
    'g() { f "$1" x; }; f() { kubectl delete ns ${2:-prod}; }; g web',
    'set -- web; kubectl delete ns ${1:-prod}',
    ': ${NS:=web}; kubectl delete ns ${NS:-prod}',
    'NS=${NS:-web}; kubectl delete ns ${NS:-prod}',
    'unset NS; kubectl delete ns ${NS+prod}',
    'unset NS; kubectl delete ns ${NS:+prod}',
    'unset NS; X=$NS; kubectl delete ns ${X-prod}',
    'case $X in a) NS=web;; *) NS=dev;; esac; kubectl delete ns ${NS:-prod}',
    'if [ -f a ]; then NS=web; elif [ -f b ]; then NS=dev; else NS=qa; fi; kubectl delete ns ${NS:-prod}',
    'f() { case $1 in a) n=x;; *) n=y;; esac; kubectl delete ns ${n:-prod}; }; f a',
    'NS=web; unset -f NS; kubectl delete ns ${NS:-prod}',
  ])('%s is not denied', async (command) => {
    expect(await decision(command)).toBe('ask');
  });
});

describe('a default for a variable that may be unset or empty there still is', () => {
  it.each([
    'f() { kubectl delete ns ${1:-prod}; }; f',
    'f() { kubectl delete ns ${1:-prod}; }; f web; f',
    'f() { kubectl delete ns ${1:-prod}; }; f "$X"',
    'f() { kubectl delete ns ${1:-prod}; }; f ""',
    'f() { kubectl delete ns ${1:-prod}; }',
    'f() { kubectl delete ns ${2:-prod}; }; f web',
    'f() { local n=${1:-prod}; kubectl delete ns $n; }; f',
    // Calls the line does not read: by a name known only at run time, in code not known, in another shell.
    'f() { kubectl delete ns ${1:-prod}; }; f web; $G',
    'f() { kubectl delete ns ${1:-prod}; }; f web; eval "$X"',
    'f() { kubectl delete ns ${1:-prod}; }; f web; source ./lib.sh',
    'f() { kubectl delete ns ${1:-prod}; }; export -f f; f web; bash -c f',
    'f() { kubectl delete ns ${1:-prod}; }; trap f EXIT; f web',
    'f() { shift; kubectl delete ns ${1:-prod}; }; f a b',
    'set -- web; shift; kubectl delete ns ${1:-prod}',
    'set --; kubectl delete ns ${1:-prod}',
    'NS=${NS:-}; kubectl delete ns ${NS:-prod}',
    'NS=${NS-web}; kubectl delete ns ${NS:-prod}',
    ': ${NS:=}; kubectl delete ns ${NS:-prod}',
    'echo $(: ${NS:=web}); kubectl delete ns ${NS:-prod}',
    'unset NS; kubectl delete ns ${NS-prod}',
    'NS=web; unset NS; kubectl delete ns ${NS:-prod}',
    'NS=x; unset NS; NS=${NS:-prod}; kubectl delete ns $NS',
    'if [ -f a ]; then NS=web; fi; kubectl delete ns ${NS:-prod}',
    'if [ -f a ]; then NS=web; else unset NS; fi; kubectl delete ns ${NS:-prod}',
    'if [ -f a ]; then NS=web; else NS=; fi; kubectl delete ns ${NS:-prod}',
    'if [ -f a ]; then NS=web; elif [ -f b ]; then :; else NS=qa; fi; kubectl delete ns ${NS:-prod}',
    'case $X in a) NS=web;; b) NS=dev;; esac; kubectl delete ns ${NS:-prod}',
    'case $X in a) NS=web;; *) ;; esac; kubectl delete ns ${NS:-prod}',
    'case $X in a) NS=web;; *) NS=dev;; esac & kubectl delete ns ${NS:-prod}',
    '(NS=web); kubectl delete ns ${NS:-prod}',
  ])('%s is denied', async (command) => {
    expect(await decision(command)).toBe('deny');
  });
});
