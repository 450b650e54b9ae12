import { describe, expect, it } from 'vitest';
import { compileStep, evaluateCondition, renderIn } from '../../src/planning/compiled-step.js';
import { StepSchema } from '../../src/planning/schema.js';

// What can only be known as the step runs (a step's output has no type before): said in one line, with where it is.

const context = { inputs: { a: '5', list: [1] }, steps: { x: { status: 'succeeded', output: { exitCode: 0, ratio: 0.5, stdout: 'hi' } } }, env: {} };
const stepOf = (step: Record<string, unknown>) => compileStep(StepSchema.parse(step));
const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('it did not fail');
};

describe('a computation CEL has no overload for, as the step runs', () => {
  it('names the field, each side as written and what it held', () => {
    const step = stepOf({ id: 's', tool: 'shell', when: 'steps.x.output.ratio < inputs.a', args: { command: 'echo {{ inputs.a + steps.x.output.exitCode }}' } });
    expect(failure(() => evaluateCondition(step, context))).toBe('expression "steps.x.output.ratio < inputs.a" in when failed: steps.x.output.ratio is a decimal number and inputs.a is text, which CEL does not order (no such overload: double < string)');
    expect(failure(() => renderIn(step.args!, context, 'args'))).toBe('expression "inputs.a + steps.x.output.exitCode" in args.command failed: inputs.a is text and steps.x.output.exitCode is a whole number, which CEL does not add (no such overload: string + int)');
    const rest = stepOf({ id: 's', tool: 'shell', args: { env: { N: '{{ -inputs.a }}' } } });
    expect(failure(() => renderIn(rest.args!, context, 'rollback.args'))).toBe('expression "-inputs.a" in rollback.args.env.N failed: inputs.a is text, which CEL does not negate (no such overload: -string)');
    const list = stepOf({ id: 's', tool: 'shell', args: { list: ['x', '{{ inputs.list * 2 }}'] } });
    expect(failure(() => renderIn(list.args!, context, 'args'))).toBe('expression "inputs.list * 2" in args.list[1] failed: inputs.list is a list and 2 is a whole number, which CEL does not multiply (no such overload: list<int> * int)');
  });
});
