import { describe, expect, it } from 'vitest';
import { compileExpression, evaluateExpression, type CompiledExpression } from '../../src/planning/expressions.js';
import { validatePlan } from '../../src/planning/validate.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';

// Inputs computed or ordered with each other: CEL has no arithmetic between an int and a double, and ksa hands a
// whole number on as an int, so the inputs of such an expression are doubles together when one is not whole.

const tools = createBuiltinRegistry().catalog();
const plan = (expression: string, inputs: Record<string, unknown> = { a: null, b: null }) => ({
  goal: 'Sum',
  inputs,
  steps: [{ id: 's', tool: 'shell', args: { command: `echo {{ ${expression} }}` } }],
});
const conditionPlan = (when: string) => ({ goal: 'Compare', inputs: { a: null, b: null }, steps: [{ id: 's', tool: 'shell', when, args: { command: 'echo yes' } }] });

const compiled = (source: string): CompiledExpression => {
  const result = compileExpression(source);
  if (!result.ok) throw new Error(result.message);
  return result.expression;
};
/** Validates with the given inputs, then evaluates the expression with what the run would get. */
const computed = (expression: string, given: Record<string, string | number>, declared?: Record<string, unknown>) => {
  const result = validatePlan(plan(expression, declared), { tools, inputs: given });
  if (!result.ok) return result.issues.map(({ message }) => message);
  const inputs = { ...(declared ?? {}), ...result.inputs };
  return evaluateExpression(compiled(expression), { steps: {}, inputs, env: {} });
};

describe('two inputs given without declared values, computed together', () => {
  it('adds, subtracts, multiplies and divides a whole and a decimal number as numbers', () => {
    expect(computed('inputs.a + inputs.b', { a: 10, b: '9.5' })).toBe(19.5);
    expect(computed('inputs.a - inputs.b', { a: 10, b: '9.5' })).toBe(0.5);
    expect(computed('inputs.a * inputs.b', { a: '0.5', b: 3 })).toBe(1.5);
    expect(computed('inputs.a / inputs.b', { a: 3, b: '1.5' })).toBe(2);
    expect(computed('-inputs.a + inputs.b', { a: 10, b: '9.5' })).toBe(-0.5);
  });

  it('adds two decimal numbers as numbers, not as joined text, and two whole ones as whole numbers', () => {
    expect(computed('inputs.a + inputs.b', { a: '2.5', b: '1.5' })).toBe(4);
    expect(computed('inputs.a + inputs.b', { a: 2, b: 1 })).toBe(3);
    expect(computed('inputs.a / inputs.b', { a: 7, b: 2 })).toBe(3);
    // Texts still join; a version-like 2.10 is not a number written plainly.
    expect(computed('inputs.a + inputs.b', { a: 'x', b: 'y' })).toBe('xy');
    expect(computed('inputs.a + inputs.b', { a: '2.10', b: '-rc' })).toBe('2.10-rc');
  });

  it('orders two decimal numbers as numbers', () => {
    const result = validatePlan(conditionPlan('inputs.a > inputs.b'), { tools, inputs: { a: '10.5', b: '9.5' } });
    expect(result.ok).toBe(true);
    expect(result.ok && result.inputs).toEqual({ a: 10.5, b: 9.5 });
    expect(result.ok && evaluateExpression(compiled('inputs.a > inputs.b'), { steps: {}, inputs: result.inputs, env: {} })).toBe(true);
  });

  it('computes three inputs and a decimal literal together', () => {
    expect(computed('inputs.a + inputs.b + inputs.c', { a: 1, b: '0.5', c: 2 }, { a: null, b: null, c: null })).toBe(3.5);
    expect(computed('inputs.a * 1.5', { a: 2 })).toBe(3);
  });

  it('keeps an input read with a whole number elsewhere in its own expression a whole number', () => {
    // Each expression decides alone: `inputs.a + 1` still reads a = 10 as an int.
    expect(evaluateExpression(compiled('inputs.a + 1'), { steps: {}, inputs: { a: 10, b: 9.5 }, env: {} })).toBe(11);
    expect(evaluateExpression(compiled('inputs.a > 2 && inputs.a + inputs.b > 19'), { steps: {}, inputs: { a: 10, b: 9.5 }, env: {} })).toBe(true);
  });
});

describe('a declared number default with a decimal given value', () => {
  it('computes them together', () => {
    expect(computed('inputs.a + inputs.b', { b: '9.5' }, { a: 1, b: null })).toBe(10.5);
    expect(computed('inputs.a + inputs.b', { a: 2.5 }, { a: 1, b: 2 })).toBe(4.5);
  });
});

describe('a computation CEL cannot do with the values', () => {
  it('is refused by validation at the expression, not left to fail the step', () => {
    const refused = (expression: string, given: Record<string, string | number>) => {
      const result = validatePlan(plan(expression), { tools, inputs: given });
      return result.ok ? [] : result.issues.map(({ code, path, message }) => `${code} ${path.join('.')}: ${message}`);
    };
    expect(refused('inputs.a + 1', { a: '2.5' })).toEqual([
      'invalid_input steps.0.args.command: "inputs.a + 1" cannot be computed with these inputs: inputs.a is not a whole number, and CEL does not compute a whole number with a decimal one: write the whole numbers in it as decimals (2.0 for 2)',
    ]);
    expect(refused('inputs.a + inputs.b + 1', { a: 10, b: '9.5' })).toHaveLength(1);
    expect(refused('inputs.a % inputs.b', { a: 10, b: '2.5' })).toEqual([
      'invalid_input steps.0.args.command: "inputs.a % inputs.b" cannot be computed with these inputs: inputs.b is not a whole number, and CEL has % for whole numbers only',
    ]);
    // What CEL can do is not refused.
    expect(refused('inputs.a % inputs.b', { a: 10, b: 3 })).toEqual([]);
    expect(refused('inputs.a + 1.0', { a: '2.5' })).toEqual([]);
    expect(refused('inputs.a > 2', { a: '2.5' })).toEqual([]);
  });
});
