import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';

// What YAML reads differently from what the author of a plan meant: refused with the line and the fix.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

const ksa = (...args: string[]) => runKsa(args, { home: sandbox.home, cwd: sandbox.dir });

// Line numbers matter: the assertions below point into this text.
const TAGGED = `goal: deploy unless this is a dry run
inputs: { dryRun: true }
steps:
  - id: deploy
    when: ! inputs.dryRun
    tool: shell
    args: { command: echo DEPLOYING }
  - id: deploy2
    when: !inputs.dryRun && true
    tool: shell
    args: { command: echo DEPLOYING2 }
  - id: no-errors
    tool: shell
    args:
      command: ! grep -q ERROR app.log
  - id: inc
    tool: shell
    args:
      command: !include deploy.sh
  - id: paren
    when: !(inputs.dryRun)
    tool: shell
    args: { command: !!str echo paren }
`;

describe.concurrent('YAML pitfalls in a plan', () => {
  it('a value starting with ! (a YAML tag, dropped by YAML) is a problem at its line with the quoted value to write; nothing runs', async () => {
    await sandbox.writePlan('tagged.yaml', TAGGED);
    const result = await ksa('validate', 'tagged.yaml');
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stdout + result.stderr).toContain('tagged.yaml: invalid plan, 6 problems:');
    const lines = (result.stdout + result.stderr).split('\n');
    expect(lines).toContain('  tagged.yaml:5:11 steps[0].when: a YAML tag ("!") — quote the value: when: "! inputs.dryRun"');
    expect(lines).toContain('  tagged.yaml:9:11 steps[1].when: a YAML tag ("!inputs.dryRun") — quote the value: when: "!inputs.dryRun && true"');
    expect(lines).toContain('  tagged.yaml:15:16 steps[2].args.command: a YAML tag ("!") — quote the value: command: "! grep -q ERROR app.log"');
    expect(lines).toContain('  tagged.yaml:19:16 steps[3].args.command: a YAML tag ("!include") — quote the value: command: "!include deploy.sh"');
    // The tag leaves an empty string: that says nothing more than the tag's own problem.
    expect(lines).toContain('  tagged.yaml:21:11 steps[4].when: a YAML tag ("!(inputs.dryRun)") — quote the value: when: "!(inputs.dryRun)"');
    expect(lines).toContain('  tagged.yaml:23:22 steps[4].args.command: a YAML tag ("!!str") — quote the value: command: "!!str echo paren"');

    const run = await ksa('run', '--yes', 'tagged.yaml');
    expect(run.code, describeResult(run)).toBe(2);
    expect(run.stdout + run.stderr).not.toContain('DEPLOYING');

    const json = await ksa('validate', '--json', 'tagged.yaml');
    expect(JSON.parse(json.stdout).issues[0]).toEqual({ code: 'yaml_tag', path: 'steps[0].when', message: 'a YAML tag ("!") — quote the value: when: "! inputs.dryRun"', line: 5, column: 11 });
  });

  it('the same values quoted are a valid plan', async () => {
    await sandbox.writePlan('quoted.yaml', 'goal: quoted\ninputs: { dryRun: true }\nsteps:\n  - id: deploy\n    when: "! inputs.dryRun"\n    tool: shell\n    args: { command: "! grep -q ERROR app.log" }\n');
    const result = await ksa('validate', 'quoted.yaml');
    expect(result.code, describeResult(result)).toBe(0);
  });

  it('an unquoted {{ }} (a map to YAML) is a problem saying to quote it, and no library warning reaches stderr (validate, --json, run)', async () => {
    await sandbox.writePlan('unquoted.yaml', 'goal: x\ninputs: { port: 8080 }\nsteps:\n  - id: a\n    tool: shell\n    args:\n      command: {{ inputs.port }}\n  - id: b\n    tool: kubectl\n    args: { args: [get, {{ inputs.port }}] }\n');
    const text = await ksa('validate', 'unquoted.yaml');
    expect(text.code, describeResult(text)).toBe(2);
    expect(text.stdout + text.stderr).toContain('unquoted.yaml:7:16 steps[0].args.command: a template must be quoted in YAML: command: "{{ inputs.port }}"');
    expect(text.stdout + text.stderr).toContain('unquoted.yaml:10:25 steps[1].args.args[1]: a template must be quoted in YAML: "{{ inputs.port }}"');
    expect(text.stdout + text.stderr).not.toContain('expected string, got object');
    for (const args of [['validate', '--json', 'unquoted.yaml'], ['run', '--yes', 'unquoted.yaml'], ['run', '--yes', '--json', 'unquoted.yaml']]) {
      const result = await ksa(...args);
      expect(result.code, describeResult(result)).toBe(2);
      expect(result.stderr, describeResult(result)).not.toMatch(/Warning|stringified/);
    }
  });

  it('every key given twice is its own problem, at its line, naming the key and where it was first set (text and --json with its path)', async () => {
    await sandbox.writePlan('dup.yaml', 'goal: x\nsteps:\n  - id: a\n    tool: shell\n    args:\n      command: echo a\n      command: echo b\n  - id: a2\n    id: b\n    tool: shell\n    args: { command: x, command: y }\n');
    const text = await ksa('validate', 'dup.yaml');
    expect(text.code, describeResult(text)).toBe(2);
    const lines = (text.stdout + text.stderr).split('\n');
    expect(lines).toContain('  dup.yaml:7:7 steps[0].args.command: the key "command" is given twice (first at line 6, column 7); keep one');
    expect(lines).toContain('  dup.yaml:9:5 steps[1].id: the key "id" is given twice (first at line 8, column 5); keep one');
    expect(lines).toContain('  dup.yaml:11:25 steps[1].args.command: the key "command" is given twice (first at line 11, column 13); keep one');
    expect(text.stdout + text.stderr).not.toContain('Map keys must be unique');
    const json = await ksa('validate', '--json', 'dup.yaml');
    expect(JSON.parse(json.stdout).issues[0]).toEqual({ code: 'duplicate_key', path: 'steps[0].args.command', message: 'the key "command" is given twice (first at line 6, column 7); keep one', line: 7, column: 7 });
  });

  it('merge keys may repeat: <<: *a and <<: *b in one map are no duplicate', async () => {
    await sandbox.writePlan('merges.yaml', 'goal: x\nsteps:\n  - id: a\n    tool: &t shell\n    args: &c { command: "true" }\n  - id: b\n    <<: { tool: *t }\n    <<: { args: *c }\n');
    const result = await ksa('validate', 'merges.yaml');
    expect(result.code, describeResult(result)).toBe(0);
  });

  it('\\{{ inside a double-quoted YAML string (an escape YAML refuses) says to write \\\\{{ there; written so, the step gets a literal {{', async () => {
    await sandbox.writePlan('escape.yaml', 'goal: x\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "echo \\{{.State}} web" }\n');
    const refused = await ksa('validate', 'escape.yaml');
    expect(refused.code, describeResult(refused)).toBe(2);
    expect(refused.stderr.trim()).toBe("ksa: escape.yaml:5:28: YAML syntax error: Invalid escape sequence \\{ (for a literal {{ inside double quotes write \\\\{{, or use single quotes: '\\{{')");
    await sandbox.writePlan('escaped.yaml', 'goal: x\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "echo \\\\{{.State}} web" }\n');
    const run = await ksa('run', '--yes', 'escaped.yaml');
    expect(run.code, describeResult(run)).toBe(0);
    expect(run.stdout + run.stderr).toContain('{{.State}} web');
  });

  it('a {{ with no closing }} says to write \\\\{{ for a literal {{ in JSON and double-quoted YAML, \\{{ elsewhere', async () => {
    await sandbox.writePlan('unclosed.json', JSON.stringify({ goal: 'x', steps: [{ id: 'a', tool: 'shell', args: { command: 'echo {{.State web' } }] }));
    await sandbox.writePlan('unclosed-dq.yaml', 'goal: x\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "echo {{.State web" }\n');
    await sandbox.writePlan('unclosed-plain.yaml', "goal: x\nsteps:\n  - id: a\n    tool: shell\n    args: { command: 'echo {{.State web' }\n");
    for (const file of ['unclosed.json', 'unclosed-dq.yaml']) {
      const result = await ksa('validate', file);
      expect(result.code, describeResult(result)).toBe(2);
      expect(result.stdout).toContain('"{{" with no closing "}}"; write \\\\{{ for a literal {{ (the backslash doubled inside double quotes)');
    }
    const plain = await ksa('validate', 'unclosed-plain.yaml');
    expect(plain.code, describeResult(plain)).toBe(2);
    expect(plain.stdout).toContain('"{{" with no closing "}}"; write \\{{ for a literal {{');
    expect(plain.stdout).not.toContain('doubled');
  });

  it('a problem inside a multi-line value (command: |, when: >-) points at the line of its expression, quoted on one line', async () => {
    await sandbox.writePlan('block.yaml', 'goal: x\ninputs: { port: 1 }\nsteps:\n  - id: a\n    tool: shell\n    args:\n      command: |\n        echo one\n        echo two\n        echo {{ inputs.prot }}\n  - id: b\n    tool: shell\n    args: { command: "true" }\n    when: >-\n      inputs.port == 1 &&\n      inputs.port ==\n');
    const result = await ksa('validate', 'block.yaml');
    expect(result.code, describeResult(result)).toBe(2);
    const lines = (result.stdout + result.stderr).split('\n');
    expect(lines).toContain('  block.yaml:10:17 steps[0].args.command: "inputs.prot" reads inputs.prot, which the plan does not declare (did you mean "port"?)');
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}block\.yaml:15:7 steps\[1\]\.when: expression "inputs\.port == 1 && inputs\.port ==" does not compile: /));
  });
});
