import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../../src/planning/index.js';
import { classifyShell } from '../../../src/policy/index.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { createBuiltinRegistry, parseShell, riskOptions } from '../../../src/tools/index.js';

// A value copied into another variable (`X=$NS`), or handed to a function the line defines (`f "$NS"`), is met by
// deny rules as the value itself; a copy or an argument whose value is not known stays unknown.

const options = riskOptions(createBuiltinRegistry(), process.env, '/srv/app');
const POLICY = parsePolicy('deny:\n  - kubectl: "delete ns prod"\n  - shell: "kubectl delete ns prod-eu"\n', '/srv/app/.ksa/policy.yaml');

async function decision(command: string, env?: Record<string, string>): Promise<string> {
  const plan = PlanSchema.parse({ goal: 'copies', steps: [{ id: 's', tool: 'shell', args: { command, ...(env ? { env } : {}) } }] });
  return (await assessPolicy(plan, POLICY, 'write', options)).decision.steps[0]!.decision;
}

const PROD = { NS: 'prod' };

describe('deny rules and copied values', () => {
  it.each<[string, Record<string, string> | undefined]>([
    ['X=$NS; kubectl delete ns $X', PROD],
    ['X="$NS"; kubectl delete ns $X', PROD],
    ['X=${NS}; kubectl delete ns "$X"', PROD],
    ['X="${NS}"; Y=$X; kubectl delete ns "$Y"', PROD],
    ['declare X=$NS; kubectl delete ns $X', PROD],
    ['export X=$NS; kubectl delete ns $X', PROD],
    ['readonly X=$NS; kubectl delete ns "${X}"', PROD],
    ['P=prod; X=$P; kubectl delete ns $X', undefined],
    ['X=$NS; kubectl delete ns $X-eu', PROD],
    ["export X=$NS; bash -c 'kubectl delete ns $X'", PROD],
  ])('%s with %j is denied', async (command, env) => {
    expect(await decision(command, env)).toBe('deny');
  });

  it.each<[string, Record<string, string> | undefined]>([
    ['X=$NS; kubectl delete ns $X', { NS: 'staging' }],
    ['X=$NS; kubectl delete ns $X', undefined],
    ['NS=staging; X=$NS; kubectl delete ns $X', PROD],
    ['read NS; X=$NS; kubectl delete ns $X', PROD],
    ['X=$NS; X=$OTHER; kubectl delete ns $X', PROD],
    ['X=$(echo $NS); kubectl delete ns $X', PROD],
    ["X=$NS; bash -c 'kubectl delete ns $X'", PROD],
  ])('%s with %j is not met by the value', async (command, env) => {
    expect(await decision(command, env)).toBe('ask');
  });
});

describe('risk of a copied value', () => {
  it.each([
    ['A=ls; B=$A; $B -la', 'read'],
    ['A=rm; B="$A"; $B -rf /srv/app', 'destroy'],
    ['B=$TOOL; $B', 'destroy'],
  ])('%s is %s', async (command, level) => {
    expect((await classifyShell(command, parseShell)).level).toBe(level);
  });
});

describe('deny rules and the arguments of a function the line defines', () => {
  it.each<[string, Record<string, string> | undefined]>([
    ['f() { kubectl delete ns "$1"; }; f prod', undefined],
    ['function f { kubectl delete ns $1; }; f "$NS"', PROD],
    ['function f { kubectl delete ns ${1}; }; f $NS', PROD],
    ['f() { kubectl delete ns "$@"; }; f prod', undefined],
    ['f() { kubectl delete ns "$2"; }; f staging prod', undefined],
    ['f() { kubectl delete ns $1-eu; }; f prod', undefined],
    ['f() { kubectl delete ns "$1"; }; f staging; f prod', undefined],
    ['f() { kubectl delete ns $1; }; g() { f "$1"; }; g prod', undefined],
    ['f() { kubectl delete ns $1; }; g() { f "$@"; }; g prod', undefined],
    ['X=$NS; f() { kubectl delete ns "$1"; }; f "$X"', PROD],
    ["bash -c 'f() { kubectl delete ns $1; }; f prod'", undefined],
  ])('%s with %j is denied', async (command, env) => {
    expect(await decision(command, env)).toBe('deny');
  });

  it.each<[string, Record<string, string> | undefined]>([
    ['f() { kubectl delete ns $1; }; f staging', undefined],
    ['f() { kubectl delete ns "$1"; }; f "$NS"', undefined],
    ['f() { kubectl delete ns "$1"; }; f', undefined],
    ['f() { kubectl delete ns "$2"; }; f prod staging', undefined],
    // After shift, $1 is another of the call's words: not followed, as written.
    ['f() { shift; kubectl delete ns $1; }; f prod staging', undefined],
  ])('%s with %j is not met by the arguments', async (command, env) => {
    expect(await decision(command, env)).toBe('ask');
  });

  it.each(['f() { kubectl delete ns "$1"; }; f prod', 'function f { kubectl delete ns $1; }; f "$NS"'])('%s is rated destroy', async (command) => {
    expect((await classifyShell(command, parseShell)).level).toBe('destroy');
  });
});
