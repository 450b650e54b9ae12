import { describe, expect, it } from 'vitest';
import { validatePlan } from '../../src/planning/validate.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';

// An input holding text tested for being equal to a number: CEL finds them unequal, whatever the text.

const tools = createBuiltinRegistry().catalog();
const warnings = (inputs: Record<string, unknown>, when: string, given: Record<string, unknown> = {}) => {
  const result = validatePlan({ goal: 'Deploy', inputs, steps: [{ id: 'deploy', tool: 'shell', when, args: { command: 'echo {{ inputs.env == 3 ? "three" : "other" }}' } }] }, { tools, inputs: given });
  if (!result.ok) throw new Error(result.issues.map((issue) => issue.message).join('\n'));
  return result.warnings.map(({ path, message }) => `${path.join('.')}: ${message}`);
};

describe('a text input compared with a number', () => {
  it('is a warning at each step and field, saying what it always is and the text to compare with; the plan stays valid', () => {
    expect(warnings({ env: '3' }, '3 != inputs.env')).toEqual([
      'steps.0.when: inputs.env is text (the plan\'s default "3"); "3 != inputs.env" in step "deploy" compares it with a number, which CEL finds unequal to any text (always true): compare with \'3\'',
      'steps.0.args.command: inputs.env is text (the plan\'s default "3"); "inputs.env == 3 ? "three" : "other"" in step "deploy" compares it with a number, which CEL finds equal to no text (always false): compare with \'3\'',
    ]);
  });

  it('quotes the number as written, and turns anything computed into text', () => {
    expect(warnings({ env: 'x', ratio: 'x' }, 'inputs.ratio == 2.50 || dyn(inputs.ratio) == -1 || inputs.ratio == size("ab")').slice(0, 3).map((line) => line.split(': compare with ')[1])).toEqual([
      "'2.50'",
      "'-1'",
      'string(size("ab"))',
    ]);
  });

  it('goes by the value that runs, and does not show a secret input\'s value', () => {
    expect(warnings({ env: 'x' }, 'inputs.env == 3', { env: 'three' })[0]).toContain('inputs.env is text (given with --input "three"); ');
    expect(warnings({ env: 'x' }, 'inputs.env != 3', { env: 3 })).toEqual([]);
    expect(warnings({ apiToken: 'abc123' }, 'inputs.apiToken == 3 && inputs.env == 3', { env: 3 })[0]).toContain("inputs.apiToken is text (the plan's default); ");
  });

  it('says nothing for a number, a text compared with a text, an input without a value, or an order', () => {
    expect(warnings({ env: 3 }, 'inputs.env == 3')).toEqual([]);
    expect(warnings({ env: 'x' }, 'inputs.env == "3" && inputs.env != ""').filter((line) => line.startsWith('steps.0.when'))).toEqual([]);
    expect(warnings({ env: null }, 'inputs.env == null || inputs.env == 4', { env: 4 })).toEqual([]);
  });
});

// The reverse and the items: CEL finds no number equal to a text either, nor any item of another kind.
const whenWarnings = (inputs: Record<string, unknown>, when: string, given: Record<string, unknown> = {}) => {
  const result = validatePlan({ goal: 'Deploy', inputs, steps: [{ id: 'deploy', tool: 'shell', when, args: { command: 'echo hi' } }] }, { tools, inputs: given });
  if (!result.ok) throw new Error(result.issues.map((issue) => issue.message).join('\n'));
  return result.warnings.map(({ path, message }) => `${path.join('.')}: ${message}`);
};

describe('a value compared with one of another kind', () => {
  it('a number input compared with text: always false, the number to compare with', () => {
    expect(whenWarnings({ replicas: 3 }, 'inputs.replicas == "3"')).toEqual([
      'steps.0.when: inputs.replicas is a number (the plan\'s default 3); "inputs.replicas == "3"" in step "deploy" compares it with text, which CEL finds equal to no number (always false): compare with 3',
    ]);
    expect(whenWarnings({ replicas: 3 }, "'three' != dyn(inputs.replicas)")[0]).toContain('compares it with text, which CEL finds unequal to any number (always true): compare string(dyn(inputs.replicas)) with it');
    expect(whenWarnings({ debug: true }, 'inputs.debug == "true"')[0]).toContain('inputs.debug is true or false (the plan\'s default true); "inputs.debug == "true"" in step "deploy" compares it with text, which CEL finds equal to no true or false (always false): compare with true');
  });

  it('a typeless input given a number with --input, compared with text: said with the declaration that keeps it text', () => {
    expect(whenWarnings({ mode: null }, "inputs.mode == '3'", { mode: 3 })).toEqual([
      'steps.0.when: inputs.mode is a number (given with --input 3); "inputs.mode == \'3\'" in step "deploy" compares it with text, which CEL finds equal to no number (always false): compare with 3, or declare a text default (mode: "") for --input to keep the value as text',
    ]);
    expect(whenWarnings({ mode: null }, "inputs.mode == '3'", { mode: 'fast' })).toEqual([]);
  });

  it('the items of a list or mapping input, when none is of the kind compared with', () => {
    expect(whenWarnings({ tags: ['a', '3'] }, 'inputs.tags.exists(t, t == 3)')).toEqual([
      'steps.0.when: the items of inputs.tags are text (the plan\'s default); "inputs.tags.exists(t, t == 3)" in step "deploy" compares them with a number, which CEL finds equal to no text (always false): compare with \'3\'',
    ]);
    expect(whenWarnings({ tags: ['a'] }, 'inputs.tags[0] != 3')[0]).toContain('inputs.tags[0] is text (the plan\'s default "a"); "inputs.tags[0] != 3" in step "deploy" compares it with a number, which CEL finds unequal to any text (always true)');
    expect(whenWarnings({ ports: [80] }, 'inputs.ports.all(p, p != "80")')[0]).toContain('the items of inputs.ports are numbers (the plan\'s default); "inputs.ports.all(p, p != "80")" in step "deploy" compares them with text, which CEL finds unequal to any number (always true): compare with 80');
    expect(whenWarnings({ limits: { cpu: 1 } }, 'inputs.limits.exists(k, k == 1)')[0]).toContain('the keys of inputs.limits are text');
    expect(whenWarnings({ tags: ['a'] }, 'inputs.tags.exists(t, t == 3)', { tags: [1, 2] })).toEqual([]);
  });

  it('says nothing where the kinds agree, somewhere in a list, or are not known', () => {
    expect(whenWarnings({ replicas: 3, env: 'x', tags: [1, 'a'], empty: [] }, 'inputs.replicas == 3 && inputs.env == "x" && inputs.tags.exists(t, t == 3) && inputs.empty.exists(t, t == 3)')).toEqual([]);
    expect(whenWarnings({ tags: ['a'] }, 'inputs.tags.filter(t, t != "b").exists(t, t == 3) || inputs.tags == [3]')).toEqual([]);
    expect(whenWarnings({ replicas: null }, 'inputs.replicas == null || inputs.replicas == "3"', { replicas: 'x' })).toEqual([]);
  });
});

describe('a secret input compared with a value of another kind', () => {
  it('is said without the expression or the value compared with, whichever kind the secret holds', () => {
    const given = whenWarnings({ dbPassword: null }, 'inputs.dbPassword == "24681357"', { dbPassword: 24681357 });
    const declared = whenWarnings({ dbPassword: '' }, 'inputs.dbPassword == 24681357');
    const items = whenWarnings({ dbCredentials: ['s3cr3tpw'] }, 'inputs.dbCredentials.exists(c, c == 99887766)');
    for (const lines of [given, declared, items]) {
      expect(lines).toHaveLength(1);
      expect(lines[0]).not.toMatch(/24681357|99887766|s3cr3tpw/);
      expect(lines[0]).toContain('an expression in step "deploy" compares');
    }
    expect(given[0]).toContain('compare with a number (the value without quotes)');
    expect(declared[0]).toContain('compare with text (the value in quotes)');
  });
});

describe('an input compared with values of both kinds, or whose kind is tested', () => {
  it('is not said to be always false or true: the expression meets the kind it holds', () => {
    expect(whenWarnings({ mode: null }, 'inputs.mode == 3 || inputs.mode == "3"', { mode: 3 })).toEqual([]);
    expect(whenWarnings({ mode: null }, 'inputs.mode != "3" && inputs.mode != 3', { mode: '3x' })).toEqual([]);
    expect(whenWarnings({ level: 3 }, 'type(inputs.level) == type("") ? inputs.level == "3" : inputs.level == 3')).toEqual([]);
    expect(whenWarnings({ tags: ['a'] }, 'inputs.tags.exists(t, t == 3 || t == "3")')).toEqual([]);
  });

  it('is still said when each comparison is of a kind it does not hold, or in another expression', () => {
    expect(whenWarnings({ debug: true }, 'inputs.debug == 3 || inputs.debug == "3"')).toHaveLength(2);
    expect(whenWarnings({ level: 3, mode: 'x' }, 'type(inputs.mode) == type("") && inputs.level == "3"')).toHaveLength(1);
  });
});

describe('an in test against a list written in the expression', () => {
  const atWhen = (inputs: Record<string, unknown>, when: string, given: Record<string, unknown> = {}) => warnings(inputs, when, given).filter((line) => line.startsWith('steps.0.when:'));

  it('is a warning when no item is of the kind the input holds, as == with each item would be', () => {
    expect(atWhen({ env: 3 }, "inputs.env in ['prod', 'staging']")).toEqual([
      'steps.0.when: inputs.env is a number (the plan\'s default 3); "inputs.env in [\'prod\', \'staging\']" in step "deploy" compares it with text, which CEL finds equal to no number (always false): compare string(inputs.env) with it',
    ]);
    expect(atWhen({ env: 'prod', replicas: '3' }, 'inputs.replicas in [1, 2, 3]')).toEqual([
      'steps.0.when: inputs.replicas is text (the plan\'s default "3"); "inputs.replicas in [1, 2, 3]" in step "deploy" compares it with a number, which CEL finds equal to no text (always false): write the list\'s items as text (in quotes)',
    ]);
    expect(atWhen({ env: 'prod', tags: ['a'] }, 'inputs.tags.exists(t, t in [1, 2])')[0]).toContain('the items of inputs.tags are text (the plan\'s default); "inputs.tags.exists(t, t in [1, 2])" in step "deploy" compares them with a number');
    expect(atWhen({ env: null }, "inputs.env in ['prod']", { env: 3 })[0]).toContain('inputs.env is a number (given with --input 3)');
  });

  it('is not a warning when an item is of the input\'s kind, or an item is computed', () => {
    expect(atWhen({ env: 3 }, "inputs.env in ['prod', 3]")).toEqual([]);
    expect(atWhen({ env: 'prod' }, "inputs.env in ['prod', 'staging']")).toEqual([]);
    expect(atWhen({ env: 3, other: 'x' }, "inputs.env in ['prod', inputs.other]")).toEqual([]);
    expect(atWhen({ env: 3 }, "type(inputs.env) == string ? inputs.env in ['prod'] : inputs.env == 3")).toEqual([]);
  });
});
