import { describe, expect, it } from 'vitest';
import { validatePlan } from '../../src/planning/validate.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';

// A given input the plan has no name for is one of the plan's problems, listed with the others, whenever every
// step could be read for the inputs it reads; when one could not, it may read that name, and nothing is said.

const tools = createBuiltinRegistry().catalog();
const codes = (document: unknown, given: Record<string, unknown>) => {
  const result = validatePlan(document, { tools, inputs: given });
  return result.ok ? [] : result.issues.map(({ code, path }) => `${code} ${path.join('.')}`);
};
const step = (extra: Record<string, unknown> = {}) => ({ id: 's', tool: 'shell', args: { command: 'echo hi' }, ...extra });

describe('an unknown given input with other problems', () => {
  it('is listed with a broken dependency, an unknown tool, a cycle and a bad goal', () => {
    expect(codes({ goal: 'g', steps: [step({ dependsOn: ['nope'] })] }, { zone: 1 })).toEqual(['unknown_input inputs', 'unknown_dependency steps.0.dependsOn.0']);
    expect(codes({ goal: 'g', inputs: { port: 1 }, steps: [step({ tool: 'nope' })] }, { zone: 1 })).toEqual(['unknown_input inputs', 'unknown_tool steps.0.tool']);
    expect(codes({ goal: '', steps: [step({ id: 'a', dependsOn: ['b'] }), step({ id: 'b', dependsOn: ['a'] })] }, { zone: 1 })).toContain('unknown_input inputs');
  });

  it('is not listed where a step could not be read for the inputs it reads, or the inputs section is not a list of names', () => {
    const hidden = [
      { goal: 'g', steps: [step({ args: { command: 'echo {{ inputs.zone +' } })] },
      { goal: 'g', steps: [step({ args: { command: 'echo {{ inputs.zone' } })] },
      { goal: 'g', steps: [step({ args: { command: 'echo {{ inputs["zo" + "ne"] }}' } })] },
      { goal: 'g', steps: [step({ retry: 'often' })] },
      { goal: 'g', steps: { s: step() } },
      { goal: 'g', inputs: ['zone'], steps: [step({ dependsOn: ['nope'] })] },
    ];
    for (const document of hidden) expect(codes(document, { zone: 1 }), JSON.stringify(document)).not.toContain('unknown_input inputs');
  });

  it('is not listed when a step reads it', () => {
    expect(codes({ goal: 'g', steps: [step({ dependsOn: ['nope'], args: { command: 'echo {{ inputs.zone }}' } })] }, { zone: 1 })).toEqual(['unknown_dependency steps.0.dependsOn.0']);
  });
});
