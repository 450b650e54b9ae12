import { describe, expect, it } from 'vitest';
import { classifyShell, type RiskLevel } from '../../src/policy/index.js';
import { shellCommands } from '../../src/policy/shell-commands.js';
import { parseShell } from '../../src/tools/index.js';

// A declaration with flags that keep its values as written (`declare -x`, `typeset -x`, `declare -rx`) sets them as
// `export` does, for what a command's words name; a command named through one is rated as before.

/** The value of `name` where the line's last command (`helm …`) is run. */
async function valueAtLast(command: string, name: string): Promise<string | undefined> {
  return (await shellCommands(command, parseShell)).at(-1)?.valueAt(name);
}

describe('the values a declaration with flags sets', () => {
  it.each<[string, string | undefined]>([
    ['export HELM_NAMESPACE=web; helm list', 'web'],
    ['declare -x HELM_NAMESPACE=web; helm list', 'web'],
    ['typeset -x HELM_NAMESPACE=web; helm list', 'web'],
    ['declare -rx HELM_NAMESPACE=web; helm list', 'web'],
    ['declare -x -r HELM_NAMESPACE=web; helm list', 'web'],
    ['declare -gx HELM_NAMESPACE=web && helm list', 'web'],
    ['declare -x A=1; HELM_NAMESPACE=web; helm list', 'web'],
    // Flags that change the value, or where it lands, or known only at run time: not followed.
    ['declare -n HELM_NAMESPACE=web; helm list', undefined],
    ['declare -i HELM_NAMESPACE=web; helm list', undefined],
    ['declare -l HELM_NAMESPACE=WEB; helm list', undefined],
    ['declare -a HELM_NAMESPACE=web; helm list', undefined],
    ['declare +x HELM_NAMESPACE=web; helm list', undefined],
    ['declare "$F" HELM_NAMESPACE=web; helm list', undefined],
    ['declare -xn r=HELM_NAMESPACE; r=api; HELM_NAMESPACE=web; helm list', undefined],
    ['declare -x HELM_NAMESPACE=web; read HELM_NAMESPACE; helm list', undefined],
    ['declare -x HELM_NAMESPACE=web; eval "$X"; helm list', undefined],
  ])('%s: %s', async (command, value) => {
    expect(await valueAtLast(command, 'HELM_NAMESPACE')).toBe(value);
  });
});

describe('the risk of a command named through a declaration with flags', () => {
  // As rated before the values were read: never lower for a line that runs code not shown or deletes.
  it.each<[string, RiskLevel]>([
    ['declare -x X=./a.sh; $X', 'destroy'],
    ['declare -gx X=./a.sh; $X', 'destroy'],
    ['typeset -rx X=ls; $X', 'destroy'],
    ['declare -x X=ls; eval "$X; rm -rf d"', 'destroy'],
    ['declare -x X=ls; bash -c "$X"', 'destroy'],
    ['declare -x X=rm; sudo $X -rf data', 'destroy'],
    ['declare -x P=.; $P/x.sh', 'write'],
    ['local -x P=.; $P/x.sh', 'write'],
    ['declare -x PATH=.; ls', 'write'],
    ['export -n PATH=.; ls', 'write'],
    ['declare -x HELM_NAMESPACE=web; helm uninstall app', 'destroy'],
  ])('%s: %s', async (command, level) => {
    expect((await classifyShell(command, parseShell)).level).toBe(level);
  });
});
