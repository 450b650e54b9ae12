import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, runKsa } from '../helpers/cli.js';
import { useCliSandbox } from '../helpers/cli-sandbox.js';

// What ksa says about an input's value before anything runs keeps its secrets, as the plan card does.

const sandbox = useCliSandbox('ksa-quoted-input-values-');

const plan = (inputs: string, when: string) =>
  `goal: Deploy\ninputs: ${inputs}\nsteps:\n  - id: first\n    tool: shell\n    args: { command: "touch ran" }\n  - id: deploy\n    tool: shell\n    dependsOn: [first]\n    when: ${when}\n    args: { command: "echo deployed" }\n`;

describe.concurrent('a refusal or warning about an input value', () => {
  it('a secret field of a mapping input: ksa validate (also --json) and ksa run refuse without its value', async () => {
    const file = await sandbox.writePlan('field/plan.yaml', plan('{ db: { port: "5432", password: "8675309" } }', 'inputs.db.password > 1'));
    const options = { home: path.join(sandbox.home, 'field'), cwd: path.dirname(file) };
    for (const args of [['validate', file], ['validate', file, '--json']]) {
      const validated = await runKsa(args, options);
      expect(validated.code, describeResult(validated)).toBe(2);
      expect(validated.stdout).toContain('input db holds text at db[');
      expect(validated.stdout + validated.stderr).not.toContain('8675309');
    }
    const ran = await runKsa(['run', file, '--yes', '--input', 'db={port: 5432, password: "1357924"}'], options);
    expect(ran.code, describeResult(ran)).toBe(2);
    expect(ran.stderr).toContain('input db holds text at db["password"] (given with --input)');
    expect(ran.stdout + ran.stderr).not.toContain('1357924');
    expect(existsSync(path.join(path.dirname(file), 'ran'))).toBe(false);
  });

  it('a token given for an input read as a number, or compared with one: neither the refusal nor the warning shows it', async () => {
    const token = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    const refused = await sandbox.writePlan('token/plan.yaml', plan('{ ref: main }', 'inputs.ref > 2'));
    const ran = await runKsa(['run', refused, '--yes', '--input', `ref=${token}`], { home: path.join(sandbox.home, 'token'), cwd: path.dirname(refused) });
    expect(ran.code, describeResult(ran)).toBe(2);
    expect(ran.stderr).toContain('input ref is text (given with --input);');
    expect(ran.stdout + ran.stderr).not.toContain('ghp_');
    const warned = await sandbox.writePlan('warned/plan.yaml', plan('{ ref: main }', 'inputs.ref == 3'));
    const validated = await runKsa(['validate', warned, '--input', `ref=${token}`], { home: path.join(sandbox.home, 'warned'), cwd: path.dirname(warned) });
    expect(validated.code, describeResult(validated)).toBe(0);
    expect(validated.stderr).toContain('inputs.ref is text (given with --input);');
    expect(validated.stdout + validated.stderr).not.toContain('ghp_');
  });
});
