import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, runKsa } from '../helpers/cli.js';
import { useCliSandbox } from '../helpers/cli-sandbox.js';

// An input's declared kind against what the plan's expressions do with it, told before anything runs.

const sandbox = useCliSandbox('ksa-text-number-inputs-');

const scalePlan = (inputs: string, when: string) =>
  `goal: Scale\ninputs: ${inputs}\nsteps:\n  - id: first\n    tool: shell\n    args: { command: "touch ran" }\n  - id: scale\n    tool: shell\n    dependsOn: [first]\n    when: ${when}\n    args: { command: "echo scaled" }\n`;

describe.concurrent('an input compared with or added to a number', () => {
  it('declared as text: ksa validate lists it at the step\'s when with the plan\'s other problems, ksa run refuses it (exit 2) and runs nothing', async () => {
    const plan = await sandbox.writePlan('text/plan.yaml', scalePlan('{ replicas: "3" }', 'inputs.replicas > 2').replace('dependsOn: [first]', 'dependsOn: [first, nope]'));
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'text');
    const said = 'steps[1].when: input replicas is text (the plan\'s default "3"); "inputs.replicas > 2" in step "scale" reads it as a number, which CEL does not compare or add with text: declare it as a number (replicas: 3)';
    const validated = await runKsa(['validate', plan], { home, cwd: dir });
    expect(validated.code, describeResult(validated)).toBe(2);
    expect(validated.stdout).toContain(`plan.yaml:10:11 ${said}`);
    expect(validated.stdout).toContain('steps[1].dependsOn[1]: unknown step "nope"');
    const ran = await runKsa(['run', plan, '--yes', '--input', 'replicas=5'], { home, cwd: dir });
    expect(ran.code, describeResult(ran)).toBe(2);
    expect(ran.stderr).toContain('steps[1].when: input replicas is text (given with --input "5"); "inputs.replicas > 2" in step "scale"');
    expect(existsSync(path.join(dir, 'ran'))).toBe(false);
  });

  it('a list of text items read as numbers, or dyn() of a text: ksa validate lists each at its step\'s field, ksa run refuses (exit 2) and runs nothing', async () => {
    const plan = await sandbox.writePlan('items/plan.yaml', scalePlan('{ ports: ["80", "443"], replicas: "3" }', '"inputs.ports.all(p, p < 1024) && dyn(inputs.replicas) > 2"'));
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'items');
    const validated = await runKsa(['validate', plan], { home, cwd: dir });
    expect(validated.code, describeResult(validated)).toBe(2);
    expect(validated.stdout).toContain('steps[1].when: input ports holds text at ports[0] (the plan\'s default "80"); "inputs.ports.all(p, p < 1024) && dyn(inputs.replicas) > 2" in step "scale" reads its items as numbers, which CEL does not compare or add with text: declare them as numbers (ports: [80, 443]), or convert each where it is read (int(p))');
    expect(validated.stdout).toContain('steps[1].when: input replicas is text (the plan\'s default "3"); "inputs.ports.all(p, p < 1024) && dyn(inputs.replicas) > 2" in step "scale" reads it as a number');
    const ran = await runKsa(['run', plan, '--yes', '--input', 'ports=[80, "8o"]', '--input', 'replicas=3'], { home, cwd: dir });
    expect(ran.code, describeResult(ran)).toBe(2);
    expect(ran.stderr).toContain('input ports holds text at ports[1] (given with --input "8o"); ');
    expect(existsSync(path.join(dir, 'ran'))).toBe(false);
  });

  it('a text compared with a number: ksa validate and ksa run warn at the step\'s field with the text to compare with, and the plan runs', async () => {
    const plan = await sandbox.writePlan('equal-text/plan.yaml', scalePlan('{ replicas: "3" }', 'inputs.replicas == 3'));
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'equal-text');
    const said = 'steps[1].when: inputs.replicas is text (the plan\'s default "3"); "inputs.replicas == 3" in step "scale" compares it with a number, which CEL finds equal to no text (always false): compare with \'3\'';
    const validated = await runKsa(['validate', plan], { home, cwd: dir });
    expect(validated.code, describeResult(validated)).toBe(0);
    expect(validated.stderr.split('\n').filter((line) => line.includes('ksa: warning:'))).toEqual([`ksa: warning: ${plan}:10:11 ${said}`]);
    const ran = await runKsa(['run', plan, '--yes'], { home, cwd: dir });
    expect(ran.code, describeResult(ran)).toBe(0);
    expect(ran.stderr).toContain(said);
    expect(existsSync(path.join(dir, 'ran'))).toBe(true);
  });

  it('a number compared with text, a typeless input given a number, text items compared with a number: ksa validate and ksa run warn at each field, and the plan runs', async () => {
    const plan = await sandbox.writePlan('equal-kinds/plan.yaml', scalePlan('{ replicas: 3, mode: , tags: [a, "3"] }', `inputs.replicas == "3" || inputs.mode == '3' || inputs.tags.exists(t, t == 3)`));
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'equal-kinds');
    const source = `"inputs.replicas == \"3\" || inputs.mode == '3' || inputs.tags.exists(t, t == 3)" in step "scale"`;
    const said = [
      `steps[1].when: inputs.replicas is a number (the plan's default 3); ${source} compares it with text, which CEL finds equal to no number (always false): compare with 3`,
      `steps[1].when: inputs.mode is a number (given with --input 3); ${source} compares it with text, which CEL finds equal to no number (always false): compare with 3, or declare a text default (mode: "") for --input to keep the value as text`,
      `steps[1].when: the items of inputs.tags are text (the plan's default); ${source} compares them with a number, which CEL finds equal to no text (always false): compare with '3'`,
    ];
    const validated = await runKsa(['validate', plan, '--input', 'mode=3'], { home, cwd: dir });
    expect(validated.code, describeResult(validated)).toBe(0);
    expect(validated.stderr.split('\n').filter((line) => line.includes('ksa: warning:'))).toEqual(said.map((line) => `ksa: warning: ${plan}:10:11 ${line}`));
    const ran = await runKsa(['run', plan, '--yes', '--input', 'mode=3'], { home, cwd: dir });
    expect(ran.code, describeResult(ran)).toBe(0);
    for (const line of said) expect(ran.stderr).toContain(line);
    expect(existsSync(path.join(dir, 'ran'))).toBe(true);
  });

  it('numbers given for a list read as text, a list given for an input without a declared value: ksa run refuses (exit 2) before anything runs', async () => {
    const plan = await sandbox.writePlan('list-kinds/plan.yaml', scalePlan('{ tags: [a], ports: }', 'inputs.tags.all(t, t.startsWith("v")) && inputs.ports.all(p, p < 1024)'));
    const dir = path.dirname(plan);
    const ran = await runKsa(['run', plan, '--yes', '--input', 'tags=[1, 2]', '--input', 'ports=[80, 443]'], { home: path.join(sandbox.home, 'list-kinds'), cwd: dir });
    expect(ran.code, describeResult(ran)).toBe(2);
    expect(ran.stderr).toContain(`steps[1].when: input tags holds a number at tags[0] (given with --input 1); "inputs.tags.all(t, t.startsWith(\"v\")) && inputs.ports.all(p, p < 1024)" in step "scale" reads its items as text, which CEL does not join, order or call text functions on with a number: give them as text (--input 'tags=["1", "2"]'), or convert each where it is read (string(t))`);
    expect(ran.stderr).toContain('steps[1].when: input ports is text (given with --input "[80, 443]"), no list or mapping;');
    expect(existsSync(path.join(dir, 'ran'))).toBe(false);
  });

  it('numbers joined from a list inside an input, or from a map that keeps them: ksa validate lists each, ksa run refuses (exit 2) and runs nothing', async () => {
    const when = `"inputs.cfg.ports.join(',') != '' && inputs.ports.map(p, p).join(',') != ''"`;
    const plan = await sandbox.writePlan('joined/plan.yaml', scalePlan('{ cfg: { ports: [80, 443] }, ports: [80, 443] }', when));
    const dir = path.dirname(plan);
    const options = { home: path.join(sandbox.home, 'joined'), cwd: dir };
    const validated = await runKsa(['validate', plan], options);
    expect(validated.code, describeResult(validated)).toBe(2);
    expect(validated.stdout).toContain(`plan.yaml:10:11 steps[1].when: input cfg holds a number at cfg["ports"][0] (the plan's default 80);`);
    expect(validated.stdout).toContain(`plan.yaml:10:11 steps[1].when: input ports holds a number at ports[0] (the plan's default 80);`);
    const ran = await runKsa(['run', plan, '--yes'], options);
    expect(ran.code, describeResult(ran)).toBe(2);
    expect(ran.stderr).toContain('convert each where it is read (inputs.cfg.ports.map(c, string(c)).join(\',\'))');
    expect(existsSync(path.join(dir, 'ran'))).toBe(false);
    const mapped = await sandbox.writePlan('mapped/plan.yaml', scalePlan('{ cfg: { ports: [80, 443] } }', `"inputs.cfg.ports.map(p, string(p)).join(',') == '80,443'"`));
    const fixed = await runKsa(['run', mapped, '--yes'], { home: path.join(sandbox.home, 'mapped'), cwd: path.dirname(mapped) });
    expect(fixed.code, describeResult(fixed)).toBe(0);
    expect(fixed.stdout + fixed.stderr).toContain('scaled');
  });

  it('items read as numbers beside a test of the same item, or after a filter: ksa validate passes and ksa run runs the step', async () => {
    const when = '"(inputs.limits.memory == null || inputs.limits.memory > 1) && inputs.vals.filter(v, v != \'auto\').all(v, v > 0)"';
    const plan = await sandbox.writePlan('guarded/plan.yaml', scalePlan('{ limits: { cpu: 2, memory: null }, vals: [1, "auto", 3] }', when));
    const options = { home: path.join(sandbox.home, 'guarded'), cwd: path.dirname(plan) };
    const validated = await runKsa(['validate', plan], options);
    expect(validated.code, describeResult(validated)).toBe(0);
    const ran = await runKsa(['run', plan, '--yes'], options);
    expect(ran.code, describeResult(ran)).toBe(0);
    expect(ran.stdout + ran.stderr).toContain('scaled');
  });

  it('declared as a number: one given with --input with a leading zero YAML 1.1 tools read otherwise is refused (exit 2), nothing runs', async () => {
    const plan = await sandbox.writePlan('zero/plan.yaml', scalePlan('{ replicas: 1 }', 'inputs.replicas > 2'));
    const ran = await runKsa(['run', plan, '--yes', '--input', 'replicas=017'], { home: path.join(sandbox.home, 'zero'), cwd: path.dirname(plan) });
    expect(ran.code, describeResult(ran)).toBe(2);
    expect(ran.stderr).toContain('--input replicas: 017 is a number written with a leading zero, which ksa reads as 17 and YAML 1.1 tools as octal 15: give it without');
    expect(existsSync(path.join(path.dirname(plan), 'ran'))).toBe(false);
  });

  it('declared as a number: a number given with --input runs', async () => {
    const plan = await sandbox.writePlan('number/plan.yaml', scalePlan('{ replicas: 1 }', 'inputs.replicas > 2'));
    const ran = await runKsa(['run', plan, '--yes', '--input', 'replicas=5'], { home: path.join(sandbox.home, 'number'), cwd: path.dirname(plan) });
    expect(ran.code, describeResult(ran)).toBe(0);
    expect(ran.stdout + ran.stderr).toContain('scaled');
  });

  it('tested for equality without a declared value: any text is taken, and is not equal', async () => {
    const plan = await sandbox.writePlan('equal/plan.yaml', scalePlan('{ replicas: }', 'inputs.replicas == 3'));
    const ran = await runKsa(['run', plan, '--yes', '--input', 'replicas=abc'], { home: path.join(sandbox.home, 'equal'), cwd: path.dirname(plan) });
    expect(ran.code, describeResult(ran)).toBe(0);
    expect(ran.stdout + ran.stderr).toContain('skipped');
  });
});
