import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, runKsa } from '../helpers/cli.js';
import { useCliSandbox } from '../helpers/cli-sandbox.js';

// A value given with --input that the plan cannot take is one of the plan's problems: reported where the plan's
// others are (ksa validate --json lists it as invalid_input at inputs), refused before anything runs.

const sandbox = useCliSandbox('ksa-given-input-problems-');

type ValidateDoc = { valid: boolean; issues: { code: string; path: string; message: string; line?: number }[] };

describe.concurrent('--input values a plan file would refuse', () => {
  it('ksa validate --json reports a tag, a key given twice, 1e400 or 0x1F in a list as invalid_input at inputs, with the plan line and its other problems', async () => {
    const plan = await sandbox.writePlan(
      'listed/m.yaml',
      'goal: Regions\ninputs:\n  regions: [a]\n  meta: { a: 1 }\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "echo {{ inputs.regions.join(\',\') }} {{ inputs.meta.a }}" }\n  - id: b\n    tool: nope\n    args: {}\n',
    );
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'listed');
    for (const [given, said] of [
      ['regions=[!env HOME]', '--input regions: item [0]: a YAML tag ("!env") \u2014 quote the value: "!env HOME"'],
      ['meta={a: 1, a: 2}', '--input meta: the key "a" is given twice; keep one'],
      ['regions=[1e400]', '--input regions: item [0]: 1e400 is not a finite number'],
      ['regions=[0x1F]', '--input regions: item [0]: 0x1F is a number written in hexadecimal'],
    ]) {
      const result = await runKsa(['validate', plan, '--json', '--input', given!], { home, cwd: dir });
      expect(result.code, describeResult(result)).toBe(2);
      const doc = JSON.parse(result.stdout) as ValidateDoc;
      expect(doc.valid).toBe(false);
      expect(doc.issues.map(({ code, path: at }) => `${code} ${at}`)).toEqual(['invalid_input inputs', 'unknown_tool steps[1].tool']);
      expect(doc.issues[0]!.message).toContain(said);
      expect(doc.issues[0]!.line).toEqual(expect.any(Number));
    }
  });

  it('ksa validate and ksa run say it with the wording they had, in the list of the plan problems, and run nothing', async () => {
    const plan = await sandbox.writePlan('text/m.yaml', 'goal: Regions\ninputs: { regions: [a] }\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "touch ran; echo {{ inputs.regions.join(\',\') }}" }\n');
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'text');
    const validated = await runKsa(['validate', plan, '--input', 'regions=[!env HOME]'], { home, cwd: dir });
    expect(validated.code, describeResult(validated)).toBe(2);
    expect(validated.stdout).toMatch(/m\.yaml:\d+:\d+ inputs: /);
    expect(validated.stdout).toContain('inputs: --input regions: item [0]: a YAML tag ("!env") \u2014 quote the value: "!env HOME"');
    const ran = await runKsa(['run', plan, '--yes', '--input', 'regions=[!env HOME]'], { home, cwd: dir });
    expect(ran.code, describeResult(ran)).toBe(2);
    expect(ran.stderr).toContain('inputs: --input regions: item [0]: a YAML tag ("!env") \u2014 quote the value: "!env HOME"');
    expect(existsSync(path.join(dir, 'ran'))).toBe(false);
  });
});

describe.concurrent('--input for an input without a declared value that the plan reads as a number', () => {
  it('refuses up front (exit 2) a value that stayed text, before any step runs; a plain whole number runs', async () => {
    const plan = await sandbox.writePlan(
      'scale/plan.yaml',
      'goal: Scale\ninputs:\n  replicas:\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "touch ran" }\n  - id: b\n    tool: shell\n    dependsOn: [a]\n    when: inputs.replicas > 2\n    args: { command: "echo scaled" }\n',
    );
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'scale');
    for (const given of ['+3', '3.0', '007', '1e1', '9007199254740993']) {
      const refused = await runKsa(['run', plan, '--yes', '--input', `replicas=${given}`], { home, cwd: dir });
      expect(refused.code, describeResult(refused)).toBe(2);
      expect(refused.stderr).toContain(`--input replicas: "inputs.replicas > 2" reads it as a number, and string "${given}" is not one`);
    }
    expect(existsSync(path.join(dir, 'ran'))).toBe(false);
    const validated = await runKsa(['validate', plan, '--json', '--input', 'replicas=3.0'], { home, cwd: dir });
    expect(validated.code, describeResult(validated)).toBe(2);
    expect((JSON.parse(validated.stdout) as ValidateDoc).issues.map(({ code, path: at }) => `${code} ${at}`)).toEqual(['invalid_input inputs']);
    const ran = await runKsa(['run', plan, '--yes', '--input', 'replicas=3'], { home, cwd: dir });
    expect(ran.code, describeResult(ran)).toBe(0);
    expect(ran.stdout + ran.stderr).toContain('scaled');
  });
});

describe.concurrent('--input problems said with the plan problems, and names refused up front', () => {
  it('ksa validate and ksa run list a value of the wrong kind with the plan problems, all at once', async () => {
    const plan = await sandbox.writePlan('together/p.yaml', 'goal: Port\ninputs:\n  port: 8080\nsteps:\n  - id: a\n    tool: nope\n    when: inputs.port > 1000\n    args: {}\n');
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'together');
    const validated = await runKsa(['validate', plan, '--json', '--input', 'port=abc'], { home, cwd: dir });
    expect(validated.code, describeResult(validated)).toBe(2);
    const doc = JSON.parse(validated.stdout) as ValidateDoc;
    expect(doc.issues.map(({ code, path: at }) => `${code} ${at}`)).toEqual(['invalid_input inputs', 'unknown_tool steps[0].tool']);
    expect(doc.issues[0]!.message).toBe('--input port: expected a number, as the plan\'s default 8080 is; got string "abc"');
    const ran = await runKsa(['run', plan, '--yes', '--input', 'port=abc'], { home, cwd: dir });
    expect(ran.code, describeResult(ran)).toBe(2);
    expect(ran.stderr).toContain('invalid plan, 2 problems');
    expect(ran.stderr).toContain('inputs: --input port: expected a number');
    expect(ran.stderr).toContain('steps[0].tool: unknown tool "nope"');
  });

  it('refuses __proto__ as it refuses any name the plan does not have, and a name given twice, exit 2, running nothing', async () => {
    const plan = await sandbox.writePlan('names/p.yaml', 'goal: Port\ninputs:\n  port: 8080\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "touch ran; echo {{ inputs.port }}" }\n');
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'names');
    const validated = await runKsa(['validate', plan, '--json', '--input', '__proto__=1'], { home, cwd: dir });
    expect(validated.code, describeResult(validated)).toBe(2);
    const doc = JSON.parse(validated.stdout) as ValidateDoc;
    expect(doc.issues.map(({ code, path: at }) => `${code} ${at}`)).toEqual(['unknown_input inputs']);
    expect(doc.issues[0]!.message).toContain('--input __proto__: the plan has no input "__proto__"');
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      const ran = await runKsa(['run', plan, '--yes', '--input', `${name}=1`], { home, cwd: dir });
      expect(ran.code, describeResult(ran)).toBe(2);
      expect(ran.stderr).toContain(`--input ${name}: the plan has no input "${name}"`);
    }
    for (const command of [['run', plan, '--yes'], ['validate', plan]]) {
      const twice = await runKsa([...command, '--input', 'port=1', '--input', 'port =2'], { home, cwd: dir });
      expect(twice.code, describeResult(twice)).toBe(2);
      expect(twice.stderr.trim()).toBe('ksa: --input port: given twice; give each input once');
    }
    expect(existsSync(path.join(dir, 'ran'))).toBe(false);
  });

  it('ksa validate lists a name the plan does not have with its other problems, as it lists __proto__', async () => {
    const plan = await sandbox.writePlan('unknown/bad.yaml', 'goal: Zone\nsteps:\n  - id: a\n    tool: shell\n    dependsOn: [nope]\n    args: { command: "echo hi" }\n');
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'unknown');
    const validated = await runKsa(['validate', plan, '--input', 'zone=1'], { home, cwd: dir });
    expect(validated.code, describeResult(validated)).toBe(2);
    expect(validated.stdout).toContain('invalid plan, 2 problems');
    expect(validated.stdout).toMatch(/bad\.yaml:\d+:\d+ inputs: --input zone: the plan has no input "zone"; its inputs: none/);
    expect(validated.stdout).toContain('steps[0].dependsOn[0]: unknown step "nope"');
    const both = await runKsa(['validate', plan, '--json', '--input', 'zone=1', '--input', '__proto__=1'], { home, cwd: dir });
    expect((JSON.parse(both.stdout) as ValidateDoc).issues.map(({ code, path: at }) => `${code} ${at}`)).toEqual(['unknown_input inputs', 'unknown_input inputs', 'unknown_dependency steps[0].dependsOn[0]']);
  });

  it('runs an input without a declared value that the plan reads as a number with -2.5 or -0 as that number', async () => {
    const plan = await sandbox.writePlan(
      'decimal/plan.yaml',
      'goal: Scale\ninputs:\n  replicas:\n  floor:\nsteps:\n  - id: a\n    tool: shell\n    when: inputs.replicas < 2 && inputs.floor < inputs.replicas\n    args: { command: "echo scaled {{ inputs.replicas }} {{ inputs.floor }}" }\n',
    );
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'decimal');
    const ran = await runKsa(['run', plan, '--yes', '--input', 'replicas=-0', '--input', 'floor=-2.5'], { home, cwd: dir });
    expect(ran.code, describeResult(ran)).toBe(0);
    expect(ran.stdout + ran.stderr).toContain('scaled 0 -2.5');
    const refused = await runKsa(['run', plan, '--yes', '--input', 'replicas=1', '--input', 'floor=3.0'], { home, cwd: dir });
    expect(refused.code, describeResult(refused)).toBe(2);
    expect(refused.stderr).toContain('--input floor: "inputs.replicas < 2 && inputs.floor < inputs.replicas" reads it as a number, and string "3.0" is not one');
  });
});
