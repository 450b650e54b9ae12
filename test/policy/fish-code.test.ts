import { describe, expect, it } from 'vitest';
import { classifyShell, type RiskLevel } from '../../src/policy/index.js';
import { readsStdinCode, scriptArgument, shellCode } from '../../src/policy/script-arguments.js';
import { literalWord } from '../../src/policy/shell-syntax.js';
import { parseShell } from '../../src/tools/index.js';

// fish reads its options with getopt_long: -c/--command and -C/--init-command take code (the next word, the rest of
// the group, or --command=…), and it runs all of it; options end at the first other word.

const classify = async (command: string) => (await classifyShell(command, parseShell)).level;
const words = (...texts: string[]) => texts.map(literalWord);

describe('the code fish is given', () => {
  it.each<[string, RiskLevel]>([
    ["fish -c 'rm -rf victim'", 'destroy'],
    ["fish --command 'rm -rf victim'", 'destroy'],
    ["fish --command='rm -rf victim'", 'destroy'],
    ["fish --comm 'rm -rf victim'", 'destroy'],
    ["fish -ic 'rm -rf victim'", 'destroy'],
    ["fish -c'rm -rf victim'", 'destroy'],
    ["fish -C 'rm -rf victim' -c 'ls'", 'destroy'],
    ["fish --init-command='kubectl delete ns prod' deploy.fish", 'destroy'],
    ["fish -c 'ls' -c 'helm uninstall web'", 'destroy'],
    ["fish -d all -c 'rm -rf victim'", 'destroy'],
    ["sudo fish --command 'rm -rf victim'", 'destroy'],
    ['fish --command "$CODE"', 'destroy'],
    // With -c, the words after the options are $argv, not a script.
    ["fish -c 'ls -la' 'rm -rf victim'", 'read'],
    ["fish --command='kubectl get pods'", 'read'],
  ])('%s is %s', async (command, level) => {
    expect(await classify(command)).toBe(level);
  });

  it.each<[string[], string | undefined]>([
    [['--command', 'rm -rf x'], 'rm -rf x'],
    [['--command=rm -rf x'], 'rm -rf x'],
    [['-c', 'rm -rf x', 'arg'], 'rm -rf x'],
    [['-C', 'cd /srv', '-c', 'rm -rf x'], 'cd /srv\nrm -rf x'],
    [['-o', '-c', 'ls'], undefined],
    [['x.fish', '-c', 'rm -rf x'], undefined],
  ])('shellCode(%j) of fish is %j', (args, code) => {
    expect(shellCode(words(...args), 'fish')).toBe(code);
  });

  it('finds the script only when there is no -c, after the values of its options', () => {
    expect(scriptArgument('fish', words('--command', 'rm -rf x'))).toBeUndefined();
    expect(scriptArgument('fish', words('-o', 'debug.log', 'deploy.fish'))).toBe('deploy.fish');
    expect(readsStdinCode('fish', words('--command=ls'))).toBe(false);
    expect(readsStdinCode('fish', words('-C', 'set x 1'))).toBe(true);
  });
});
