import { describe, expect, it } from 'vitest';
import { describeResult, runKsa } from '../helpers/cli.js';
import { useCliSandbox } from '../helpers/cli-sandbox.js';

// The words after a redirection that closes a descriptor, the code after a shell's option values, fish's --command:
// each is rated as what runs.

const sandbox = useCliSandbox('ksa-descriptor-shell-code-');

const step = (id: string, command: string) => `  - id: ${id}\n    tool: shell\n    args: { command: ${JSON.stringify(command)} }\n`;

describe('ksa validate --json', () => {
  it('rates git 2>&- clean -fdx, bash -oc pipefail and fish --command by what they run', async () => {
    const plan = await sandbox.writePlan(
      'p.yaml',
      `goal: Clean up\nsteps:\n${step('closed', 'git 2>&- clean -fdx')}${step('options', "bash -oc pipefail 'rm -rf marker'")}${step('fish', "fish --command 'rm -rf marker'")}${step('fish-equals', "fish --command='rm -rf marker'")}${step('reads', "kubectl 2>&- get pods")}`,
    );
    const result = await runKsa(['validate', plan, '--json'], { home: sandbox.home, cwd: sandbox.dir });
    expect(result.code, describeResult(result)).toBe(0);
    const doc = JSON.parse(result.stdout) as { stepRisks: { id: string; risk: string }[] };
    expect(Object.fromEntries(doc.stepRisks.map((each) => [each.id, each.risk]))).toEqual({ closed: 'destroy', options: 'destroy', fish: 'destroy', 'fish-equals': 'destroy', reads: 'read' });
  });
});
