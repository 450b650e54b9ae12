import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, runKsa } from '../helpers/cli.js';
import { useCliSandbox } from '../helpers/cli-sandbox.js';

// Numbers in a plan file as YAML reads them: hexadecimal and octal are other numbers than written, .inf none.

const sandbox = useCliSandbox('ksa-plan-number-spellings-');

const planWith = (port: string, timeout: string, attempts: string) =>
  `goal: Numbers\ninputs: { port: ${port} }\nsteps:\n  - id: a\n    tool: shell\n    timeoutMs: ${timeout}\n    retry: { maxAttempts: ${attempts} }\n    args: { command: "echo {{ inputs.port }}" }\n`;

describe.concurrent('a plan file\'s number fields', () => {
  it('refuse a number in hexadecimal or octal at its line, with the decimal to write, and say what .inf is', async () => {
    const plan = await sandbox.writePlan('radix/plan.yaml', planWith('0o17', '0x1F', '.inf'));
    const result = await runKsa(['validate', plan], { home: path.join(sandbox.home, 'radix'), cwd: path.dirname(plan) });
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stdout).toContain('plan.yaml:2:17 inputs.port: 0o17 is a number written in octal, which YAML reads as 15: write it in decimal (15), or quote it to pass it as text');
    expect(result.stdout).toContain('plan.yaml:6:16 steps[0].timeoutMs: 0x1F is a number written in hexadecimal, which YAML reads as 31: write it in decimal (31), or quote it to pass it as text');
    expect(result.stdout).toContain('plan.yaml:7:27 steps[0].retry.maxAttempts: expected number, got infinity (.inf, or a number past 1.8e308), which is no finite number');
  });

  it('say a hexadecimal number past 2^53 is too large to keep exact, with its exact value, not a rounded decimal to write', async () => {
    const plan = await sandbox.writePlan('huge/plan.yaml', planWith('0x20000000000001', '1000', '2'));
    const result = await runKsa(['validate', plan], { home: path.join(sandbox.home, 'huge'), cwd: path.dirname(plan) });
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stdout).toContain('plan.yaml:2:17 inputs.port: 0x20000000000001 is a number written in hexadecimal, too large to keep exact (it is 9007199254740993; it would be read as 9007199254740992): quote it to pass it as text');
    expect(result.stdout).not.toContain('write it in decimal');
  });

  it('refuse a number with a leading zero at its line, with the number ksa reads and the quoting to keep it as text; ksa run runs nothing', async () => {
    const plan = await sandbox.writePlan('zero/plan.yaml', planWith('017', '0900', '2').replace('echo {{ inputs.port }}', 'touch ran'));
    const home = path.join(sandbox.home, 'zero');
    const validated = await runKsa(['validate', plan], { home, cwd: path.dirname(plan) });
    expect(validated.code, describeResult(validated)).toBe(2);
    expect(validated.stdout).toContain('plan.yaml:2:17 inputs.port: 017 is a number written with a leading zero, which ksa reads as 17 and YAML 1.1 tools as octal 15: write 17, or quote it ("017") to pass it as text');
    expect(validated.stdout).toContain('plan.yaml:6:16 steps[0].timeoutMs: 0900 is a number written with a leading zero, which ksa reads as 900 and YAML 1.1 tools as text: write 900');
    const ran = await runKsa(['run', plan, '--yes'], { home, cwd: path.dirname(plan) });
    expect(ran.code, describeResult(ran)).toBe(2);
    expect(ran.stderr).toContain('inputs.port: 017 is a number written with a leading zero');
    expect(existsSync(path.join(path.dirname(plan), 'ran'))).toBe(false);
  });

  it('refuse a key written with a leading zero at its line, as a value is: an input name, an environment variable', async () => {
    const plan = await sandbox.writePlan('zero-keys/plan.yaml', planWith('1, 017: 5', '1000', '2').replace('args: { command: "echo {{ inputs.port }}" }', 'args: { command: "echo $X", env: { 0900: x } }'));
    const result = await runKsa(['validate', plan], { home: path.join(sandbox.home, 'zero-keys'), cwd: path.dirname(plan) });
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stdout).toContain('plan.yaml:2:20 inputs["17"]: the key 017 is a number written with a leading zero, which ksa reads as 17 and YAML 1.1 tools as octal 15: quote it ("017") to keep it as written');
    expect(result.stdout).toContain('plan.yaml:8:40 steps[0].args.env["900"]: the key 0900 is a number written with a leading zero, which ksa reads as 900 and YAML 1.1 tools as text: quote it ("0900") to keep it as written');
  });

  it('refuse a %YAML 1.1 directive at its line, which would read 017 as 15, yes as true and 1:30 as 90 unchecked; ksa run runs nothing', async () => {
    const text = `# numbers as YAML 1.1 reads them\n%YAML 1.1\n---\n${planWith('017', '1:30', '2').replace('echo {{ inputs.port }}', 'touch ran')}`;
    const plan = await sandbox.writePlan('yaml11/plan.yaml', text);
    const home = path.join(sandbox.home, 'yaml11');
    const said = 'plan.yaml:2:1: the %YAML 1.1 directive asks for another YAML than ksa reads (1.2 only: YAML 1.1 reads yes as true, 1:30 as 90 and 017 as octal 15); remove the line';
    const validated = await runKsa(['validate', plan], { home, cwd: path.dirname(plan) });
    expect(validated.code, describeResult(validated)).toBe(2);
    expect(validated.stdout + validated.stderr).toContain(said);
    const ran = await runKsa(['run', plan, '--yes'], { home, cwd: path.dirname(plan) });
    expect(ran.code, describeResult(ran)).toBe(2);
    expect(ran.stderr).toContain(said);
    expect(existsSync(path.join(path.dirname(plan), 'ran'))).toBe(false);
    // YAML 1.2, which ksa reads anyway, may be asked for.
    const plan12 = await sandbox.writePlan('yaml12/plan.yaml', `%YAML 1.2\n---\n${planWith('17', '1000', '2')}`);
    const fine = await runKsa(['validate', plan12], { home: path.join(sandbox.home, 'yaml12'), cwd: path.dirname(plan12) });
    expect(fine.code, describeResult(fine)).toBe(0);
  });

  it('refuse a key YAML reads as another number text (1.10 is "1.1") and a second %YAML directive, each at its line; ksa run runs nothing', async () => {
    const keys = await sandbox.writePlan('number-keys/plan.yaml', planWith('1, versions: {1.10: stable, 1.9: old}', '1000', '2').replace('echo {{ inputs.port }}', 'touch ran'));
    const twice = await sandbox.writePlan('two-directives/plan.yaml', `%YAML 1.2\n%YAML 1.1\n---\n${planWith('1', '1:30', '2').replace('echo {{ inputs.port }}', 'touch ran')}`);
    const [validated, ran, again] = await Promise.all([
      runKsa(['validate', keys], { home: path.join(sandbox.home, 'number-keys'), cwd: path.dirname(keys) }),
      runKsa(['run', keys, '--yes'], { home: path.join(sandbox.home, 'number-keys-run'), cwd: path.dirname(keys) }),
      runKsa(['run', twice, '--yes'], { home: path.join(sandbox.home, 'two-directives'), cwd: path.dirname(twice) }),
    ]);
    expect(validated.code, describeResult(validated)).toBe(2);
    expect(validated.stdout).toContain('plan.yaml:2:31 inputs.versions["1.1"]: the key 1.10 is a number, which YAML reads as the key "1.1": quote it ("1.10") to keep it as written');
    expect(ran.code, describeResult(ran)).toBe(2);
    expect(again.code, describeResult(again)).toBe(2);
    expect(again.stderr).toContain('plan.yaml:2:1: a second %YAML directive for one document (the first is on line 1), which YAML forbids; remove the line');
    expect(existsSync(path.join(path.dirname(keys), 'ran')) || existsSync(path.join(path.dirname(twice), 'ran'))).toBe(false);
  });

  it('take an exponent (1e3 is 1000), 0 and 0.5, and a quoted 0x1F as text', async () => {
    const plan = await sandbox.writePlan('fine/plan.yaml', planWith('"0x1F", ratio: 0.5', '1e3', '2').replace('retry: { maxAttempts: 2 }', 'retry: { maxAttempts: 2, initialDelayMs: 0 }'));
    const result = await runKsa(['run', plan, '--yes'], { home: path.join(sandbox.home, 'fine'), cwd: path.dirname(plan) });
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout + result.stderr).toContain('0x1F');
  });
});
