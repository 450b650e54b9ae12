import { describe, expect, it } from 'vitest';
import { classifyShell, type RiskLevel } from '../../src/policy/index.js';
import { parseShell } from '../../src/tools/index.js';

// tree lists; `-o f` writes the listing to f, and `-R` with `-L n` writes a 00Tree.html into each folder n levels
// down (tree drops -R without -L). tree reads a word's letters one by one: `-ao f` is `-a -o f`.

const classify = (command: string) => classifyShell(command, parseShell);

describe('classifyShell: tree', () => {
  it.each<[string, RiskLevel]>([
    ['tree', 'read'],
    ['tree -L 2', 'read'],
    ['tree -H .', 'read'],
    ['tree -R', 'read'],
    ['tree -R -H .', 'read'],
    ['tree -a -I node_modules', 'read'],
    ['tree -P "*.go" --noreport', 'read'],
    ['tree -o f', 'write'],
    ['tree -ao f', 'write'],
    ['tree -Ho . index.html', 'write'],
    ['timeout 5 tree -ao f', 'write'],
    ['tree -R -L 2', 'write'],
    ['tree -R -L 2 -H .', 'write'],
    ['tree -RL 2', 'write'],
    ['tree -aRL 1', 'write'],
    ['tree -L 2 -R', 'write'],
    ['tree -R -L"$N"', 'write'],
    ['sudo tree -R -L 2 -H .', 'write'],
    ["sh -c 'tree -RL 2'", 'write'],
    ['tree -R -L 2 | less', 'write'],
    ['f() { tree -RL 1; }; f', 'write'],
  ])('%s is %s', async (command, level) => {
    const risk = await classify(command);
    expect(risk.level, risk.reason).toBe(level);
  });
});
