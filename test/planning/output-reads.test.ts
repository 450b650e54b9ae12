import { describe, expect, it } from 'vitest';
import { outputReadsOf, stepOutputReads, type Step } from '../../src/planning/index.js';

// Which earlier outputs a step (or its rollback) reads, by the expressions' syntax trees: a resume must know which
// steps would read an output stored as ***.

describe('the step outputs an expression reads', () => {
  it('reads through the output however written, and not the status or attempts', () => {
    expect(outputReadsOf(['steps.a.output.stdout'])).toEqual({ steps: ['a'], any: false });
    expect(outputReadsOf(['steps["a"]["output"]'])).toEqual({ steps: ['a'], any: false });
    expect(outputReadsOf(['string(steps.a)'])).toEqual({ steps: ['a'], any: false });
    expect(outputReadsOf(['has(steps.a.output.x) ? steps.b.output.x : "none"'])).toEqual({ steps: ['a', 'b'], any: false });
    expect(outputReadsOf(['[1, 2].map(x, steps.a.output.n + x)'])).toEqual({ steps: ['a'], any: false });
    expect(outputReadsOf(['steps.a.status == "succeeded"', 'steps.b.attempts > 1'])).toEqual({ steps: [], any: false });
  });

  it('a read by a computed key, of steps whole, or an expression that does not parse may read any', () => {
    expect(outputReadsOf(['steps[inputs.which].output']).any).toBe(true);
    expect(outputReadsOf(['string(steps)']).any).toBe(true);
    expect(outputReadsOf(['steps.a.output +']).any).toBe(true);
  });

  it("a step's when, arguments and prompt apart from its rollback's arguments; a mention outside a template reads none", () => {
    const step = {
      id: 'c',
      tool: 'shell',
      dependsOn: ['a', 'b'],
      when: 'steps.a.status == "succeeded"',
      args: { command: 'echo steps.x.output', env: { POD: '{{ steps.a.output.stdout }}' } },
      rollback: { tool: 'shell', args: { command: 'kubectl delete pod {{ steps.b.output.stdout }}' } },
    } as Step;
    expect(stepOutputReads(step)).toEqual({ step: { steps: ['a'], any: false }, rollback: { steps: ['b'], any: false } });
    const query = { id: 'q', type: 'llm_query', dependsOn: ['a'], prompt: 'Summarize {{ steps.a.output }}', when: 'steps.b.output.ok' } as Step;
    expect([...stepOutputReads(query).step.steps].sort()).toEqual(['a', 'b']);
  });
});
