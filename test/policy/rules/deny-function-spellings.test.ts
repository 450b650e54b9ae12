import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../../src/planning/index.js';
import { shellCommands } from '../../../src/policy/shell-commands.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { createBuiltinRegistry, parseShell, riskOptions } from '../../../src/tools/index.js';

// The ways a value reaches a command through the functions a line defines, the copies it makes and the program name
// a variable holds: deny rules meet each with the value, and never with another.

const options = riskOptions(createBuiltinRegistry(), process.env, '/srv/app');
const POLICY = parsePolicy('deny:\n  - kubectl: "delete ns prod"\n', '/srv/app/.ksa/policy.yaml');

async function decision(command: string, env?: Record<string, string>): Promise<string> {
  const plan = PlanSchema.parse({ goal: 'functions', steps: [{ id: 's', tool: 'shell', args: { command, ...(env ? { env } : {}) } }] });
  return (await assessPolicy(plan, POLICY, 'write', options)).decision.steps[0]!.decision;
}

/** Each spelling holds `prod` (or reads NS, given as prod); with `staging` in its place, the rule must not hold. */
const FUNCTION_SPELLINGS = [
  'f() { local n=$1; kubectl delete ns $n; }; f prod',
  'f() { n=$1; kubectl delete ns $n; }; f prod',
  'f() { local n="$1"; kubectl delete ns "$n"; }; f prod',
  'f() { local n=$1; kubectl delete ns $n; }; f "$NS"',
  'f() { kubectl delete ns "${@}"; }; f prod',
  'f() { for n in "$@"; do kubectl delete ns $n; done; }; f web prod',
  'f() { for n; do kubectl delete ns "$n"; done; }; f prod',
  'g() { f prod; }; f() { kubectl delete ns "$1"; }; g',
  'g() { local x=$1; f "$x"; }; f() { kubectl delete ns "$1"; }; g prod',
  'f() { kubectl delete ns "$1"; }; time f prod',
  'f() { kubectl delete ns "$1"; }; time -p f prod',
  'f() { kubectl delete ns "$1"; }; set -- prod; f "$@"',
  'set -- web prod; kubectl delete ns "$2"',
];

const COPY_SPELLINGS = [
  'declare -r X=$NS; kubectl delete ns $X',
  'declare -g X=$NS; kubectl delete ns $X',
  'declare -rx X="$NS"; kubectl delete ns "$X"',
  'f() { local X=$NS; kubectl delete ns $X; }; f',
  'X=$NS Y=$X; kubectl delete ns $Y',
  'X=prod Y=$X; kubectl delete ns $Y',
];

const NAME_AND_OPTION_SPELLINGS = [
  'K=kubectl; $K delete ns prod',
  'K=kubectl; "$K" delete ns "$NS"',
  'kubectl -n default delete ns prod',
  'kubectl --context kind delete ns prod',
];

const staging = (command: string) => command.replaceAll('prod', 'staging');

describe.each([
  ['function arguments', FUNCTION_SPELLINGS],
  ['copies', COPY_SPELLINGS],
  ['program names and option values', NAME_AND_OPTION_SPELLINGS],
])('deny rules and %s', (_, spellings) => {
  it.each(spellings)('%s is denied', async (command) => {
    expect(await decision(command, { NS: 'prod' })).toBe('deny');
  });

  it.each(spellings)('%s with staging is not denied', async (command) => {
    expect(await decision(staging(command), { NS: 'staging' })).toBe('ask');
  });
});

describe('arguments that are not followed', () => {
  it.each([
    // Another function's `$1` is its own: the copy made in g is not f's.
    'f() { kubectl delete ns $n; }; g() { n=$1; }; f prod',
    // shift moves the arguments before they are read.
    'f() { kubectl delete ns "$1"; }; set -- prod; shift; f "$@"',
    // The top-level call is made before f is defined: bash has no f there.
    'f prod; f() { kubectl delete ns "$1"; }',
  ])('%s is not met with prod', async (command) => {
    expect(await decision(command)).toBe('ask');
  });
});

describe('a line of many functions calling one another', () => {
  it('follows a call through 1000 functions to the command it reaches', async () => {
    const chain = Array.from({ length: 1000 }, (_, i) => `f${i}() { f${i + 1} "$1"; }`).join('; ');
    const found = await shellCommands(`${chain}; f1000() { kubectl delete ns "$1"; }; f0 prod`, parseShell);
    const lines = new Set(found.map((command) => [command.name, ...command.args.map((word) => word.literal ?? word.text)].join(' ')));
    expect(lines.has('kubectl delete ns prod')).toBe(true);
    expect(lines.has('kubectl delete ns staging')).toBe(false);
  });

  it('is denied through 100 functions', async () => {
    const chain = Array.from({ length: 100 }, (_, i) => `f${i}() { f${i + 1} "$1"; }`).join('; ');
    expect(await decision(`${chain}; f100() { kubectl delete ns "$1"; }; f0 prod`)).toBe('deny');
  });

  // Each body hands on its arguments and more, so each list is longer than the last and each loop reads it word by word.
  const growing = (count: number, tail: string) =>
    Array.from({ length: count }, (_, i) => `f${i}() { local a=$1 b=$2; for n in "$@"; do f${i + 1} "$a" "$n" "\${@}"; done; }`).join('; ') + `; f${count}() { ${tail}; }; f0 prod prod`;

  it('reads a line whose functions hand on growing argument lists with bounded work, and still checks it', async () => {
    const found = await shellCommands(growing(40, 'kubectl delete ns "$2"'), parseShell);
    const words = found.reduce((sum, command) => sum + command.args.length, 0);
    expect(words).toBeLessThan(20_000);
    expect(found.some((command) => command.name === 'kubectl')).toBe(true);
    expect(await decision(growing(40, 'kubectl delete ns "$2"'))).not.toBe('allow');
  });

  it('checks a line of functions each handing on "$1" "$@" to the next', async () => {
    const chain = Array.from({ length: 100 }, (_, i) => `f${i}() { f${i + 1} "$1" "$@"; }`).join('; ');
    const found = await shellCommands(`${chain}; f100() { kubectl delete ns "$2"; }; f0 prod prod`, parseShell);
    expect(found.reduce((sum, command) => sum + command.args.length, 0)).toBeLessThan(20_000);
    expect(await decision(`${chain}; f100() { kubectl delete ns "$2"; }; f0 prod prod`)).not.toBe('allow');
    const short = Array.from({ length: 3 }, (_, i) => `f${i}() { f${i + 1} "$1" "$@"; }`).join('; ');
    expect(await decision(`${short}; f3() { kubectl delete ns "$2"; }; f0 prod prod`)).toBe('deny');
    expect(await decision(`${short}; f3() { kubectl delete ns "$2"; }; f0 staging staging`)).toBe('ask');
  });
});

describe('a kubectl step with an option before its command', () => {
  it.each([
    [['-n', 'default', 'delete', 'ns', 'prod'], 'deny'],
    [['-n', 'default', 'delete', 'ns', 'staging'], 'ask'],
  ])('%j is %s', async (args, expected) => {
    const plan = PlanSchema.parse({ goal: 'argv', steps: [{ id: 's', tool: 'kubectl', args: { args } }] });
    expect((await assessPolicy(plan, POLICY, 'write', options)).decision.steps[0]!.decision).toBe(expected);
  });
});
