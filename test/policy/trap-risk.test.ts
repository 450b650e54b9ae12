import { describe, expect, it } from 'vitest';
import { classifyShell, type RiskLevel } from '../../src/policy/index.js';
import { parseShell } from '../../src/tools/index.js';

// trap's first operand is code the shell runs later, except `-` (put the signals back) and '' (ignore them).

const classify = (command: string) => classifyShell(command, parseShell);

describe('classifyShell: trap', () => {
  it.each<[string, RiskLevel]>([
    ['trap - EXIT', 'read'],
    ['trap - INT TERM', 'read'],
    ['trap -- - EXIT', 'read'],
    ['trap "-" EXIT', 'read'],
    ["trap '' INT", 'read'],
    ["trap - EXIT; trap '' INT TERM; kubectl get pods", 'read'],
    ["sh -c 'trap - EXIT'", 'read'],
    // The action is code: anything but exactly `-` is rated as the line it is.
    ["trap 'rm -rf x' EXIT", 'destroy'],
    ["trap -- 'rm -rf x' EXIT", 'destroy'],
    ['trap "$X" EXIT', 'destroy'],
    ['trap "-$X" EXIT', 'destroy'],
    ["trap '-; rm -rf x' EXIT", 'destroy'],
    ["trap '- ' EXIT; trap 'rm -rf x' INT", 'destroy'],
    ['trap - $(rm -rf x)', 'destroy'],
    ['trap - EXIT; rm -rf x', 'destroy'],
    ["sudo sh -c 'trap - EXIT; rm -rf x'", 'destroy'],
    ["trap 'kubectl delete ns x' EXIT; trap - INT", 'destroy'],
    ["trap './cleanup.sh' EXIT", 'write'],
  ])('%s is %s', async (command, level) => {
    expect((await classify(command)).level).toBe(level);
  });
});
