import { describe, expect, it } from 'vitest';
import { validatePlan } from '../../src/planning/validate.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';

// An input declared with a value that is not a number, read as a number: CEL would fail the step mid-run.

const tools = createBuiltinRegistry().catalog();
const problems = (inputs: Record<string, unknown>, steps: Record<string, unknown>[], given: Record<string, unknown> = {}) => {
  const result = validatePlan({ goal: 'Scale', inputs, steps }, { tools, inputs: given });
  return result.ok ? [] : result.issues.map(({ code, path, message }) => `${code} ${path.join('.')}: ${message}`);
};
const when = (id: string, condition: string, dependsOn: string[] = []) => ({ id, tool: 'shell', when: condition, dependsOn, args: { command: 'echo scaled' } });
const echo = (id: string, command: string) => ({ id, tool: 'shell', args: { command } });

describe('an input declared as text, true/false, a list or a mapping, read as a number', () => {
  it('is reported at each expression reading it so, with its step and field, with the plan\'s other problems', () => {
    expect(problems({ replicas: '3' }, [when('scale', 'inputs.replicas > 2'), { ...echo('next', 'echo {{ inputs.replicas + 1 }}'), dependsOn: ['nope'] }])).toEqual([
      'invalid_input steps.0.when: input replicas is text (the plan\'s default "3"); "inputs.replicas > 2" in step "scale" reads it as a number, which CEL does not compare or add with text: declare it as a number (replicas: 3), convert it where it is read (int(inputs.replicas)), or compare it with a text',
      'unknown_dependency steps.1.dependsOn.0: unknown step "nope"',
      'invalid_input steps.1.args.command: input replicas is text (the plan\'s default "3"); "inputs.replicas + 1" in step "next" reads it as a number, which CEL does not compare or add with text: declare it as a number (replicas: 3), convert it where it is read (int(inputs.replicas)), or compare it with a text',
    ]);
  });

  it('finds every spelling of a number read, and each kind of value that is not a number', () => {
    for (const condition of ['2 < inputs.replicas', 'inputs["replicas"] >= 2.5', '-inputs.replicas < 0', 'inputs.replicas * 2 > 4', 'inputs.replicas > inputs.min', 'inputs.min + inputs.replicas > 0']) {
      expect(problems({ replicas: 'three', min: 1 }, [when('scale', condition)]), condition).toEqual([expect.stringContaining(`invalid_input steps.0.when: input replicas is text (the plan's default "three"); "${condition}" in step "scale" reads it as a number`)]);
    }
    const kinds = [[true, 'true or false (the plan\'s default true)'], [['a'], 'a list (the plan\'s default)'], [{ n: 3 }, 'a mapping (the plan\'s default)']] as const;
    for (const [value, said] of kinds) expect(problems({ replicas: value }, [when('scale', 'inputs.replicas > 2')])[0]).toContain(`input replicas is ${said}; `);
    // The mapping a `default:` declares: its value itself is the input's default.
    expect(problems({ replicas: { default: '3' } }, [when('scale', 'inputs.replicas > 2')])[0]).toContain('a mapping (the plan\'s default); "inputs.replicas > 2" in step "scale" reads it as a number, which CEL does not compare or add with a mapping: an input is declared with its default as its value, not under "default:": declare it as a number (replicas: 3)');
  });

  it('runs with the given value: text given for a text default is text, a number given is a number', () => {
    expect(problems({ replicas: '3' }, [when('scale', 'inputs.replicas > 2')], { replicas: '5' })[0]).toContain('input replicas is text (given with --input "5")');
    expect(problems({ replicas: '3' }, [when('scale', 'inputs.replicas > 2')], { replicas: 5 })).toEqual([]);
  });

  it('does not show a secret input\'s value', () => {
    const [problem] = problems({ apiKey: '4321' }, [when('scale', 'inputs.apiKey > 2')]);
    expect(problem).toContain('input apiKey is text (the plan\'s default); ');
    expect(problem).toContain('(apiKey: 0)');
    expect(problem).not.toContain('4321');
  });

  it('leaves alone numbers, texts read as texts, equality, conversions and inputs without a declared value', () => {
    expect(problems({ replicas: 3, min: 1 }, [when('scale', 'inputs.replicas > 2 && inputs.replicas > inputs.min')], { replicas: 4 })).toEqual([]);
    for (const condition of ['inputs.replicas > "2"', 'inputs.replicas == 3', 'inputs.replicas != 3', 'int(inputs.replicas) > 2', 'inputs.replicas + "x" != ""', 'inputs.replicas > inputs.min']) {
      expect(problems({ replicas: '3', min: 'a' }, [when('scale', condition)]), condition).toEqual([]);
    }
    expect(problems({ replicas: null }, [when('scale', 'inputs.replicas > 2')], { replicas: 3 })).toEqual([]);
  });
});
