import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../../src/planning/index.js';
import { classifyShell } from '../../../src/policy/index.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { createBuiltinRegistry, parseShell, riskOptions } from '../../../src/tools/index.js';

// Deny rules meet every value a variable may hold where it is read: one a branch sets, each word of a loop, the value
// held before them; and a call of the line's functions in code eval or a trap runs is read with its words.

const options = riskOptions(createBuiltinRegistry(), process.env, '/srv/app');
const POLICY = parsePolicy('deny:\n  - kubectl: "delete ns prod"\n', '/srv/app/.ksa/policy.yaml');

async function decision(command: string, env?: Record<string, string>): Promise<string> {
  const plan = PlanSchema.parse({ goal: 'possible values', steps: [{ id: 's', tool: 'shell', args: { command, ...(env ? { env } : {}) } }] });
  return (await assessPolicy(plan, POLICY, 'write', options)).decision.steps[0]!.decision;
}

const staging = (text: string) => text.replaceAll('prod', 'staging');
const PROD = { NS: 'prod' };

const BRANCHES = [
  'if true; then X=$NS; fi; kubectl delete ns $X',
  '[ -n "$NS" ] && X=$NS; kubectl delete ns $X',
  'case "$A" in *) X=prod;; esac; kubectl delete ns $X',
  'X=web; if [ -f f ]; then X=prod; fi; kubectl delete ns "$X"',
  'if [ -f f ]; then X=web; else X="${NS}"; fi; Y=$X; kubectl delete ns $Y',
  // NS may keep the value the step gave it: the branch may not run.
  'if [ -f f ]; then NS=web; fi; kubectl delete ns $NS',
  'if [ -f f ]; then X=prod; fi; g() { kubectl delete ns "$1"; }; g "$X"',
  'if [ -f f ]; then X=prod; fi; eval "kubectl delete ns $X"',
];

const CALLS = [
  'f() { kubectl delete ns "$1"; }; eval "f prod"',
  'f() { kubectl delete ns "$1"; }; eval f $NS',
  "f() { kubectl delete ns \"$1\"; }; trap 'f prod' EXIT",
  "trap 'g prod' EXIT; f() { kubectl delete ns \"$1\"; }; g() { f \"$1\"; }",
];

const LOCALS_AND_LOOPS = [
  'f() { local X=prod; kubectl delete ns $X; }; f',
  'f() { local X; X=prod; kubectl delete ns $X; }; f',
  'f() { local a=$1 b=$a; kubectl delete ns $b; }; f prod',
  'g() { kubectl delete ns "$1"; }; for n in prod; do g "$n"; done',
  'g() { kubectl delete ns "$1"; }; for n in web prod; do g "$n"; done',
  'g() { kubectl delete ns "$1"; }; f() { for n in web prod; do g "$n"; done; }; f',
  'g() { kubectl delete ns "$1"; }; f() { for n in "$@"; do g "$n"; done; }; f web prod',
  'g() { kubectl delete ns "$1"; }; f() { for n; do g "$n"; done; }; f prod',
];

describe.each([
  ['values set in branches', BRANCHES],
  ['calls in eval and trap code', CALLS],
  ['locals and loop variables handed on', LOCALS_AND_LOOPS],
])('deny rules and %s', (_, spellings) => {
  it.each(spellings)('%s is denied', async (command) => {
    expect(await decision(command, PROD)).toBe('deny');
  });

  it.each(spellings)('%s with staging is not denied', async (command) => {
    expect(await decision(staging(command), { NS: 'staging' })).toBe('ask');
  });
});

describe('values a variable cannot hold there', () => {
  it.each<[string, Record<string, string> | undefined]>([
    // Set for sure after the branch: the branch's value and the one before are gone.
    ['if [ -f f ]; then X=prod; fi; X=web; kubectl delete ns $X', undefined],
    ['if [ -f f ]; then NS=web; fi; NS=staging; kubectl delete ns $NS', PROD],
    // Set after the command, or for another command's process only.
    ['X=web; kubectl delete ns $X; X=prod', undefined],
    ['X=prod echo hi; kubectl delete ns $X', undefined],
    // Arithmetic sets it to a value not followed.
    ['X=prod; (( X = 5 )); kubectl delete ns $X', undefined],
    // eval runs where it stands: f is not defined yet.
    ['eval "f prod"; f() { kubectl delete ns "$1"; }', undefined],
    // Another function's own local.
    ['g() { local X=prod; }; f() { kubectl delete ns "$X"; }; g; f', undefined],
    ['g() { declare X=prod; }; g; kubectl delete ns $X', undefined],
  ])('%s with %j is not denied', async (command, env) => {
    expect(await decision(command, env)).toBe('ask');
  });
});

describe('the risk rater keeps its sure reading', () => {
  it('rates a program a branch may name as one named at run time', async () => {
    expect((await classifyShell('if [ -f f ]; then T=ls; fi; $T -la', parseShell)).level).toBe('destroy');
  });
});

describe('a big line', () => {
  // A reading that grew without bound would not end within the time limit; how fast it ends on a loaded machine is no test's to say.
  it('is checked within its time limit, and still denied', async () => {
    const branches = Array.from({ length: 200 }, (_, i) => `if [ -f f${i} ]; then V${i}=ns${i}; else V${i}=$V; fi; kubectl delete ns $V${i}`).join('; ');
    const functions = Array.from({ length: 100 }, (_, i) => `f${i}() { f${i + 1} "$1"; }`).join('; ');
    const evals = Array.from({ length: 100 }, () => 'eval "f0 web"').join('; ');
    // eval may set any variable: the branch is read before the evals.
    const line = `${branches}; if [ -f g ]; then X=prod; fi; kubectl delete ns $X; ${functions}; f100() { kubectl delete ns "$1"; }; ${evals}`;
    expect(await decision(line)).toBe('deny');
    expect(await decision(staging(line))).toBe('ask');
  }, 60_000);

  it('past the bound on readings, is still not let through', async () => {
    const branches = Array.from({ length: 1500 }, (_, i) => `if [ -f f${i} ]; then X=ns${i}; fi; kubectl delete ns $X`).join('; ');
    expect(await decision(`${branches}; if [ -f g ]; then X=prod; fi; kubectl delete ns $X`)).not.toBe('allow');
  });
});
