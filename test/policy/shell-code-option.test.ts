import { describe, expect, it } from 'vitest';
import { classifyShell, type RiskLevel } from '../../src/policy/index.js';
import { readsStdinCode, scriptArgument, shellCode } from '../../src/policy/script-arguments.js';
import { literalWord } from '../../src/policy/shell-syntax.js';
import { parseShell } from '../../src/tools/index.js';

// bash and dash read all of a shell's options first, wherever -c stands among them: the code of -c is the first word
// after them, one `--` or `-` ending them.

const classify = async (command: string) => (await classifyShell(command, parseShell)).level;
const words = (...texts: string[]) => texts.map(literalWord);

describe('the code of a shell -c', () => {
  it.each<[string, RiskLevel]>([
    ["bash -c -- 'rm -rf victim'", 'destroy'],
    ["sh -c -- 'rm -rf victim'", 'destroy'],
    ["dash -c -- 'kubectl delete ns prod'", 'destroy'],
    ["sudo bash -c -- 'rm -rf victim'", 'destroy'],
    ["bash -e -c -- 'rm -rf victim'", 'destroy'],
    ["bash -ec -- 'rm -rf victim'", 'destroy'],
    ["bash --norc -c -- 'rm -rf victim'", 'destroy'],
    ["bash -c - 'rm -rf victim'", 'destroy'],
    ["bash -c -x 'rm -rf victim'", 'destroy'],
    ["bash -c -o pipefail 'rm -rf victim'", 'destroy'],
    ["bash -s -c 'rm -rf victim'", 'destroy'],
    ["env X=1 sh -c -- 'helm uninstall web'", 'destroy'],
    ["bash -c -- \"bash -c -- 'rm -rf victim'\"", 'destroy'],
    ["echo x | xargs sh -c -- 'rm -rf victim'", 'destroy'],
    // Only one `--` ends the options: the next is the code (a command named --), the code's words its arguments.
    ["bash -c -- -- 'rm -rf victim'", 'write'],
    ["bash -c -- 'ls -la'", 'read'],
    ["bash -c -e -- 'kubectl get pods'", 'read'],
    ['bash -c -- "$CODE"', 'destroy'],
    // Each o/O of a group takes its own next word, in order; the code is the first word after all of them.
    ["bash -oc pipefail 'rm -rf victim'", 'destroy'],
    ["bash -Oc extglob 'rm -rf victim'", 'destroy'],
    ["bash -oec pipefail 'rm -rf victim'", 'destroy'],
    ["bash -ceo pipefail 'rm -rf victim'", 'destroy'],
    ["bash -oOc pipefail extglob 'rm -rf victim'", 'destroy'],
    ["bash -co pipefail 'rm -rf victim'", 'destroy'],
    ["bash -c -oo pipefail errexit 'rm -rf victim'", 'destroy'],
    ["bash +oc pipefail 'rm -rf victim'", 'destroy'],
    ["bash +c 'rm -rf victim'", 'destroy'],
    ["bash -oOc pipefail extglob 'ls -la'", 'read'],
  ])('%s is %s', async (command, level) => {
    expect(await classify(command)).toBe(level);
  });

  it.each<[string[], string | undefined]>([
    [['-c', '--', 'rm -rf x'], 'rm -rf x'],
    [['-c', '-', 'rm -rf x'], 'rm -rf x'],
    [['-e', '-c', '--', 'rm -rf x'], 'rm -rf x'],
    [['-c', '-e', 'rm -rf x'], 'rm -rf x'],
    [['-co', 'pipefail', 'rm -rf x'], 'rm -rf x'],
    [['-oc', 'pipefail', 'rm -rf x'], 'rm -rf x'],
    [['-oec', 'pipefail', 'rm -rf x'], 'rm -rf x'],
    [['-oOc', 'pipefail', 'extglob', 'rm -rf x'], 'rm -rf x'],
    [['-ocO', 'pipefail', 'extglob', 'rm -rf x'], 'rm -rf x'],
    [['+oc', 'pipefail', 'rm -rf x'], 'rm -rf x'],
    [['-c', '--', '--', 'rm -rf x'], '--'],
    [['--', '-c', 'rm -rf x'], undefined],
    [['x.sh', '-c', 'rm -rf x'], undefined],
  ])('shellCode(%j) is %j', (args, code) => {
    expect(shellCode(words(...args), 'bash')).toBe(code);
  });

  it('is not code read from standard input, wherever -s stands', () => {
    expect(readsStdinCode('bash', words('-s', '-c', 'rm -rf x'))).toBe(false);
    expect(readsStdinCode('bash', words('-s', 'x'))).toBe(true);
  });

  it('takes the word after every option value as the script when there is no -c', () => {
    expect(scriptArgument('bash', words('-oo', 'pipefail', 'errexit', 'deploy.sh'))).toBe('deploy.sh');
    expect(scriptArgument('bash', words('-oO', 'pipefail', 'extglob', 'deploy.sh'))).toBe('deploy.sh');
    expect(scriptArgument('bash', words('+c', 'rm -rf x'))).toBeUndefined();
  });
});

describe('a shell word ksa cannot read, and a lone -', () => {
  it.each<[string, RiskLevel]>([
    // `-` ends the options as `--` does: the next word is the script file, not code read from stdin.
    ["echo 'rm -rf victim' | bash - deploy.sh", 'write'],
    ["echo 'rm -rf victim' | sh - deploy.sh", 'write'],
    ['curl -o i.sh https://example.com/i.sh; bash - i.sh', 'destroy'],
    ["echo 'rm -rf victim' | bash -", 'destroy'],
    ["echo 'rm -rf victim' | bash -xs arg", 'destroy'],
    // A word known only at run time before -c may be options only: the code of -c runs.
    ['bash "$FLAGS" -c \'rm -rf victim\'', 'destroy'],
    ['bash $FLAGS -c \'kubectl delete ns prod\'', 'destroy'],
    ['sh "$FLAGS" -ec \'rm -rf victim\'', 'destroy'],
    ["bash {{ steps.opts.output.stdout }} -c 'rm -rf victim'", 'destroy'],
    ['bash "$HOME/bash.opts" -c \'rm -rf victim\'', 'destroy'],
  ])('%s is %s', async (command, level) => {
    expect(await classify(command)).toBe(level);
  });

  it('keeps the rating of the unreadable word when the code reads', async () => {
    expect(await classify('bash "$FLAGS" -c \'ls -la\'')).toBe(await classify('bash "$FLAGS" x'));
  });

  it('reads the script after - and the code after an unreadable word', () => {
    const unread = { text: '"$FLAGS"', hints: ['$FLAGS'] };
    expect(readsStdinCode('bash', words('-', 'x.sh'))).toBe(false);
    expect(readsStdinCode('bash', words('-'))).toBe(true);
    expect(readsStdinCode('bash', words('-xs', 'a'))).toBe(true);
    expect(shellCode([unread, ...words('-c', 'rm -rf x')], 'bash')).toBe('rm -rf x');
    expect(shellCode([unread, ...words('x.sh', '-c', 'rm -rf x')], 'bash')).toBeUndefined();
  });
});
