import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../src/planning/index.js';
import { assessPlanRisk, classifyShell, type RiskLevel } from '../../src/policy/index.js';
import { parseShell } from '../../src/tools/index.js';

// A variable the line unsets, or sets by arithmetic, a coprocess or a builtin, no longer holds the step's `env` value
// where it is read; bash imports a BASH_FUNC_* entry as a function that runs in place of the command.

const classify = (command: string, env: Record<string, string> = {}) => classifyShell(command, parseShell, 0, new Set(), { values: new Map(Object.entries(env)), anything: false });
const DRY = { DRY: '--dry-run' };

describe('classifyShell: a value the line unsets or changes is not the step env value', () => {
  it.each<[string, Record<string, string>, RiskLevel]>([
    ['unset F; make $F clean', { F: '-n' }, 'write'],
    ["unset -v 'F'; make $F clean", { F: '-n' }, 'write'],
    ['(( F=0 )); make clean $F', { F: '-n' }, 'write'],
    ['unset DRY; helm uninstall web $DRY', DRY, 'destroy'],
    ['let DRY=1; helm uninstall web $DRY', DRY, 'destroy'],
    ['echo $((DRY=7)); helm uninstall web $DRY', DRY, 'destroy'],
    [': $((DRY++)); helm uninstall web $DRY', DRY, 'destroy'],
    [': $((--DRY)); helm uninstall web $DRY', DRY, 'destroy'],
    [': $((DRY+=1)); helm uninstall web $DRY', DRY, 'destroy'],
    [': $[DRY=1]; helm uninstall web $DRY', DRY, 'destroy'],
    ['a[DRY=1]=x; helm uninstall web $DRY', DRY, 'destroy'],
    ['[[ DRY=1 -eq 1 ]]; helm uninstall web $DRY', DRY, 'destroy'],
    ['for ((DRY=0; DRY<1; DRY++)); do :; done; helm uninstall web $DRY', DRY, 'destroy'],
    ['coproc DRY { sleep 1; }; helm uninstall web $DRY', DRY, 'destroy'],
    [': ${DRY=x}; helm uninstall web $DRY', DRY, 'destroy'],
    ['export -n DRY; helm uninstall web $DRY', DRY, 'destroy'],
    ['declare DRY; helm uninstall web $DRY', DRY, 'destroy'],
    ['read DRY; helm uninstall web $DRY', DRY, 'destroy'],
    ['mapfile DRY; helm uninstall web $DRY', DRY, 'destroy'],
    ['printf -v DRY x; helm uninstall web $DRY', DRY, 'destroy'],
    ['getopts a DRY; helm uninstall web $DRY', DRY, 'destroy'],
    ['unset H; terraform destroy $H', { H: '-help' }, 'destroy'],
    // Arithmetic evaluates what it expands: E=DRY=1 sets DRY there, and any variable through a value not known.
    ['(( $E )); helm uninstall web $DRY', { ...DRY, E: 'DRY=1' }, 'destroy'],
    ['(( ${E} )); helm uninstall web $DRY', { ...DRY, E: 'X' }, 'destroy'],
    ['let "$E"; helm uninstall web $DRY', { ...DRY, E: 'DRY=1' }, 'destroy'],
    [': $(( $E )); helm uninstall web $DRY', { ...DRY, E: 'DRY=1' }, 'destroy'],
    ['echo "$(( $E + 1 ))"; helm uninstall web $DRY', { ...DRY, E: 'DRY=1' }, 'destroy'],
    ['[[ $E -eq 1 ]]; helm uninstall web $DRY', { ...DRY, E: 'DRY=1' }, 'destroy'],
    ['a[$E]=x; helm uninstall web $DRY', { ...DRY, E: 'DRY=1' }, 'destroy'],
    [': $(( $(cat e) )); helm uninstall web $DRY', DRY, 'destroy'],
    ['D=--dry-run; (( $E )); helm uninstall web $D', { E: 'D=1' }, 'destroy'],
    ['D=--dry-run; let "$E"; helm uninstall web $D', { E: 'D=1' }, 'destroy'],
  ])('%s with %j is %s', async (command, env, level) => {
    const risk = await classify(command, env);
    expect(risk.level, risk.reason).toBe(level);
  });

  it.each<[string, Record<string, string>]>([
    ['(( X == 1 )); helm uninstall web $DRY', { ...DRY, X: '1' }],
    ['for ((i=0; i<2; i++)); do helm uninstall web $DRY; done', DRY],
    ['[[ $A = b ]]; helm uninstall web $DRY', DRY],
    ['unset OTHER; helm uninstall web $DRY', DRY],
    ['N=2; (( $N > 1 )); helm uninstall web $DRY', DRY],
    ['(( $# > 0 )); helm uninstall web $DRY', DRY],
  ])('%s with %j still reads the step value (read)', async (command, env) => {
    const risk = await classify(command, env);
    expect(risk.level, risk.reason).toBe('read');
  });
});

describe('BASH_FUNC_* entries: a function bash runs in place of a command', () => {
  it('rates a step whose env holds one as code ksa cannot rate', async () => {
    const plan = PlanSchema.parse({
      goal: 'functions',
      steps: [
        { id: 'imported', tool: 'shell', args: { command: 'ls', env: { 'BASH_FUNC_ls%%': '() { rm -rf marker; }' } } },
        { id: 'plain', tool: 'shell', args: { command: 'ls', env: { LS_COLORS: 'x' } } },
      ],
    });
    const risk = await assessPlanRisk(plan, { parseShell });
    expect(risk.steps.imported?.level).toBe('destroy');
    expect(risk.steps.imported?.reason).toContain('BASH_FUNC_ls%%');
    expect(risk.steps.plain?.level).toBe('read');
  });

  it.each([
    "export 'BASH_FUNC_ls%%=() { rm -rf marker; }'; ls",
    "env 'BASH_FUNC_ls%%=() { rm -rf marker; }' bash -c ls",
    "env -S 'BASH_FUNC_ls%%=() bash -c ls'",
  ])('%s is destroy', async (command) => {
    const risk = await classify(command);
    expect(risk.level, risk.reason).toBe('destroy');
  });
});
