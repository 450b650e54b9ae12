import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../src/planning/index.js';
import { withKnownInputs } from '../../src/planning/known-inputs.js';

const plan = PlanSchema.parse({
  goal: 'Known inputs',
  inputs: { verb: 'get', port: 8080, dbPassword: 'change-me', argv: ['a'] },
  steps: [
    { id: 'k', tool: 'kubectl', args: { args: ['{{ inputs.verb }}', 'pod', 'x'] }, rollback: { tool: 'shell', args: { command: 'echo undo {{ inputs.verb }}' } } },
    { id: 's', tool: 'shell', dependsOn: ['k'], args: { command: 'curl :{{ inputs.port }}/{{ steps.k.output.stdout }} -u {{ inputs.dbPassword }} \\{{ inputs.verb }}', env: { HOME_DIR: '{{ env.HOME }}' } } },
    { id: 'list', tool: 'kubectl', args: { args: '{{ inputs.argv }}' } },
    { id: 'cond', type: 'condition', when: 'inputs.port > 1' },
  ],
});

describe('withKnownInputs', () => {
  it('fills templates that read only inputs (given over defaults), typed when a string is one template', () => {
    const filled = withKnownInputs(plan, { verb: 'delete' });
    expect(filled.steps[0]).toMatchObject({ args: { args: ['delete', 'pod', 'x'] }, rollback: { args: { command: 'echo undo delete' } } });
    expect(filled.steps[2]).toMatchObject({ args: { args: ['a'] } });
  });

  it("leaves templates of steps' outputs, the environment and secret inputs as written, and escapes alone", () => {
    const step = withKnownInputs(plan, {}).steps[1]!;
    expect(step).toMatchObject({ args: { command: 'curl :8080/{{ steps.k.output.stdout }} -u {{ inputs.dbPassword }} \\{{ inputs.verb }}', env: { HOME_DIR: '{{ env.HOME }}' } } });
  });

  it('returns the same plan when nothing is filled in', () => {
    const bare = PlanSchema.parse({ goal: 'g', steps: [{ id: 'a', tool: 'shell', args: { command: 'echo {{ steps.a.output }}' } }] });
    expect(withKnownInputs(bare, { unused: 1 })).toBe(bare);
    expect(withKnownInputs(plan, {}).steps[3]).toBe(plan.steps[3]);
  });
});
