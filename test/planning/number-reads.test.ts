import { describe, expect, it } from 'vitest';
import { validatePlan } from '../../src/planning/validate.js';
import { compileExpression } from '../../src/planning/expressions.js';
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
    for (const text of ['+3', '3.0', '007', '-007', '1e1', '2.10', '.5', '5.', '9007199254740993', '9007199254740993.5', 'abc']) {
      expect(problems('inputs.replicas > 2', { replicas: text })).toEqual([
        `invalid_input inputs: --input replicas: "inputs.replicas > 2" reads it as a number, and string ${JSON.stringify(text)} is not one: without a declared value only a number written plainly (5, -3, 2.5; no +, leading zero, trailing zero or exponent; up to 2^53) is read as a number; give one, or declare a number default (replicas: 0) to pass it as written`,
      ]);
    }
  });

  it('takes a number written plainly, and hands it on as that number', () => {
    for (const [text, number] of [['-1', -1], ['-0', -0], ['0', 0], ['-2.5', -2.5], ['0.25', 0.25], ['9007199254740991', 9007199254740991]] as const) {
      const result = validatePlan(plan('inputs.replicas > 2'), { tools, inputs: { replicas: text } });
      expect(result.ok, text).toBe(true);
      expect(result.ok && result.inputs.replicas, text).toBe(number);
    }
    // Not read as a number by the plan: the text stays as given.
    const texts = validatePlan(plan('inputs.replicas != ""'), { tools, inputs: { replicas: '-2.5' } });
    expect(texts.ok && texts.inputs.replicas).toBe('-2.5');
  });

  it('reads two inputs ordered or added with each other as numbers when one of them holds or is read as one', () => {
    const refused = (when: string, given: Record<string, unknown>, inputs: Record<string, unknown> = { a: null, b: null }) => problems(when, given, inputs).map((line) => line.split(' reads it')[0]);
    expect(refused('inputs.a > inputs.b', { a: '3.0', b: 2 })).toEqual(['invalid_input inputs: --input a: "inputs.a > inputs.b"']);
    expect(refused('inputs.b <= inputs.a', { a: 'v1' }, { a: null, b: 8080 })).toEqual(['invalid_input inputs: --input a: "inputs.b <= inputs.a"']);
    expect(refused('inputs.a + inputs.b > 0', { a: 'x', b: 1 })).toEqual(['invalid_input inputs: --input a: "inputs.a + inputs.b > 0"']);
    expect(refused('inputs.a > inputs.b * 2', { a: '3.0', b: 1 })).toEqual(['invalid_input inputs: --input a: "inputs.a > inputs.b * 2"']);
    // Passed along a chain: c is a number, so b is read as one, so a is.
    expect(refused('inputs.a > inputs.b && inputs.b > inputs.c', { a: '007', b: 2, c: 1 }, { a: null, b: null, c: null })).toEqual(['invalid_input inputs: --input a: "inputs.a > inputs.b && inputs.b > inputs.c"']);
    const read = validatePlan(plan('inputs.a > inputs.b'), { tools, inputs: { a: '-2.5', b: 1 } });
    expect(read.ok && read.inputs.a).toBe(-2.5);
    // Two texts order and join; == and != answer false or true for a number and a text.
    expect(refused('inputs.a > inputs.b', { a: 'x', b: 'y' })).toEqual([]);
    expect(refused('inputs.a + inputs.b != ""', { a: 'x', b: '1.0' })).toEqual([]);
    expect(refused('inputs.a == inputs.b', { a: 'v1', b: 2 })).toEqual([]);
  });

  it('finds number reads on either side, in arithmetic, under a minus, and for an input only read', () => {
    for (const when of ['2 <= inputs.replicas', 'inputs["replicas"] + 1 == 4', '-inputs.replicas < -2', 'inputs.replicas * inputs.other > 0', 'inputs.replicas + 0 == -3']) {
      expect(problems(when, { replicas: '3.0', other: 1 }, { replicas: null, other: null })[0], when).toContain('--input replicas: ');
    }
    expect(problems('inputs.replicas > 2', { replicas: '3.0' }, {})[0]).toContain('--input replicas: ');
  });

  it('leaves a number, a text read as text and a macro variable alone', () => {
    expect(problems('inputs.replicas > 2', { replicas: 3 })).toEqual([]);
    expect(problems('inputs.replicas == "3.0"', { replicas: '3.0' })).toEqual([]);
    expect(problems('inputs.replicas + "x" != ""', { replicas: '3.0' })).toEqual([]);
    expect(problems('inputs.replicas > "2"', { replicas: '3.0' })).toEqual([]);
    // A text default takes the text given as it is, which CEL does not order with a number.
    expect(problems('inputs.replicas > 2', { replicas: '3.0' }, { replicas: 'x' })).toEqual([expect.stringContaining('invalid_input steps.0.when: input replicas is text (given with --input "3.0")')]);
    expect(problems('[1].all(inputs, inputs > 0) && inputs.replicas != ""', { replicas: '3.0' })).toEqual([]);
  });

  it('takes an input only tested for equality with a number as a number when written as one, and any other text as not equal, as CEL does', () => {
    for (const when of ['inputs.replicas == 3', 'inputs.replicas != 3', '-3 == inputs.replicas', 'inputs.replicas == size("abc")', 'inputs.replicas in [1] || inputs.replicas == 2.5']) {
      for (const text of ['abc', '3.0', '007', '1e1']) {
        const result = validatePlan(plan(when), { tools, inputs: { replicas: text } });
        expect(result.ok ? [] : result.issues, `${when} with ${text}`).toEqual([]);
        expect(result.ok && result.inputs.replicas).toBe(text);
      }
    }
    const decimal = validatePlan(plan('inputs.replicas == 2.5'), { tools, inputs: { replicas: '2.5' } });
    expect(decimal.ok && decimal.inputs.replicas).toBe(2.5);
    const compiled = compileExpression('inputs.replicas == 3');
    expect(compiled.ok && compiled.expression.evaluate({ inputs: { replicas: 'abc' }, steps: {}, env: {} })).toBe(false);
  });

  it("does not show a secret's value", () => {
    expect(problems('inputs.dbPassword > 2', { dbPassword: '0042' }, { dbPassword: null })[0]).toContain('and a string is not one');
  });
});
