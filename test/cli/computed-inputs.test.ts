import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, runKsa } from '../helpers/cli.js';
import { useCliSandbox } from '../helpers/cli-sandbox.js';

// Inputs without declared values, given with --input and computed or ordered with each other.

const sandbox = useCliSandbox('ksa-computed-inputs-');

const sumPlan = (inputs: string) => `goal: Sum\ninputs: ${inputs}\nsteps:\n  - id: s\n    tool: shell\n    args: { command: "echo sum={{ inputs.a + inputs.b }}" }\n`;

describe.concurrent('ksa run with two inputs computed together', () => {
  it('adds a whole and a decimal number, two decimal numbers, and a declared number default with a decimal one', async () => {
    const plan = await sandbox.writePlan('sum/plan.yaml', sumPlan('{ a: , b: }'));
    const declared = await sandbox.writePlan('sum/declared.yaml', sumPlan('{ a: 1, b: }'));
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'sum');
    for (const [file, given, said] of [
      [plan, ['a=10', 'b=9.5'], 'sum=19.5'],
      [plan, ['a=2.5', 'b=1.5'], 'sum=4\n'],
      [declared, ['b=9.5'], 'sum=10.5'],
    ] as const) {
      const ran = await runKsa(['run', file, '--yes', ...given.flatMap((value) => ['--input', value])], { home, cwd: dir });
      expect(ran.code, describeResult(ran)).toBe(0);
      expect(ran.stdout + ran.stderr).toContain(said);
    }
  });

  it('orders two decimal numbers as numbers', async () => {
    const plan = await sandbox.writePlan('order/plan.yaml', 'goal: Compare\ninputs: { a: , b: }\nsteps:\n  - id: s\n    tool: shell\n    when: inputs.a > inputs.b\n    args: { command: "echo bigger" }\n');
    const ran = await runKsa(['run', plan, '--yes', '--input', 'a=10.5', '--input', 'b=9.5'], { home: path.join(sandbox.home, 'order'), cwd: path.dirname(plan) });
    expect(ran.code, describeResult(ran)).toBe(0);
    expect(ran.stdout + ran.stderr).toContain('bigger');
    expect(ran.stdout + ran.stderr).not.toContain('skipped');
  });

  it('refuses up front (exit 2) what CEL cannot compute with the values given, running nothing', async () => {
    const plan = await sandbox.writePlan('refused/plan.yaml', 'goal: Rest\ninputs: { a: , b: }\nsteps:\n  - id: first\n    tool: shell\n    args: { command: "touch ran" }\n  - id: s\n    tool: shell\n    dependsOn: [first]\n    args: { command: "echo {{ inputs.a % inputs.b }}" }\n');
    const dir = path.dirname(plan);
    const ran = await runKsa(['run', plan, '--yes', '--input', 'a=10', '--input', 'b=2.5'], { home: path.join(sandbox.home, 'refused'), cwd: dir });
    expect(ran.code, describeResult(ran)).toBe(2);
    expect(ran.stderr).toContain('steps[1].args.command: "inputs.a % inputs.b" cannot be computed with these inputs: inputs.b is not a whole number, and CEL has % for whole numbers only');
    expect(existsSync(path.join(dir, 'ran'))).toBe(false);
  });
});
