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
