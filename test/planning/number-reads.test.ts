import { describe, expect, it } from 'vitest';
import { validatePlan } from '../../src/planning/validate.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';

// An input without a declared value that the plan reads as a number takes only a value read as a number.

const tools = createBuiltinRegistry().catalog();
const plan = (when: string, inputs: Record<string, unknown> = { replicas: null }) => ({
  goal: 'Scale',
  inputs,
  steps: [{ id: 'a', tool: 'shell', when, args: { command: 'echo scaled' } }],
});
const problems = (when: string, given: Record<string, unknown>, inputs?: Record<string, unknown>) => {
  const result = validatePlan(plan(when, inputs), { tools, inputs: given });
  return result.ok ? [] : result.issues.map(({ code, path, message }) => `${code} ${path.join('.')}: ${message}`);
};

describe('a given value the plan reads as a number', () => {
  it('is refused when it stayed text, for each spelling that is not a plain whole number', () => {
    for (const text of ['-0', '+3', '3.0', '007', '1e1', '9007199254740993', 'abc']) {
      expect(problems('inputs.replicas > 2', { replicas: text })).toEqual([
        `invalid_input inputs: --input replicas: "inputs.replicas > 2" reads it as a number, and string ${JSON.stringify(text)} is not one: without a declared value only a plain whole number (5, -3, up to 2^53) is read as a number; give one, or declare a number default (replicas: 0) to pass a decimal`,
      ]);
    }
  });

  it('finds number reads on either side, in arithmetic, under a minus, and for an input only read', () => {
    for (const when of ['2 <= inputs.replicas', 'inputs["replicas"] + 1 == 4', '-inputs.replicas < -2', 'inputs.replicas * inputs.other > 0', 'inputs.replicas == -3']) {
      expect(problems(when, { replicas: '3.0', other: 1 }, { replicas: null, other: null })[0], when).toContain('--input replicas: ');
    }
    expect(problems('inputs.replicas > 2', { replicas: '3.0' }, {})[0]).toContain('--input replicas: ');
  });

  it('leaves a number, a text read as text, a declared default and a macro variable alone', () => {
    expect(problems('inputs.replicas > 2', { replicas: 3 })).toEqual([]);
    expect(problems('inputs.replicas == "3.0"', { replicas: '3.0' })).toEqual([]);
    expect(problems('inputs.replicas + "x" != ""', { replicas: '3.0' })).toEqual([]);
    expect(problems('inputs.replicas > "2"', { replicas: '3.0' })).toEqual([]);
    expect(problems('inputs.replicas > 2', { replicas: '3.0' }, { replicas: 'x' })).toEqual([]);
    expect(problems('[1].all(inputs, inputs > 0) && inputs.replicas != ""', { replicas: '3.0' })).toEqual([]);
  });

  it("does not show a secret's value", () => {
    expect(problems('inputs.dbPassword > 2', { dbPassword: '0042' }, { dbPassword: null })[0]).toContain('and a string is not one');
  });
});
