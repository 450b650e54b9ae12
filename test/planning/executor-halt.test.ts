import { describe, expect, it } from 'vitest';
import { Harness, toolStep } from '../helpers/run-plan.js';

const undo = { rollback: { tool: 'undo', args: {} } };

describe('executor: halt() (a second Ctrl-C)', () => {
  it('ends the run interrupted at once: no rollback, running steps stay running for a resume', async () => {
    const plan = { goal: 'g', steps: [toolStep('a', [], undo), toolStep('b', ['a'], undo), toolStep('c', ['b'])] };
    const h = new Harness(plan, { tools: { steps: { a: { ms: 10 }, b: { ms: 100 }, c: { ms: 10 } } } });
    h.clock.at(50, () => h.execution.halt());
    const state = await h.run();
    expect(state.status).toBe('interrupted');
    expect(state.steps.a!.status).toBe('succeeded');
    expect(state.steps.b!.status).toBe('running');
    expect(state.steps.c!.status).toBe('pending');
    expect(h.tools.started('rollback')).toEqual([]);
    expect(h.of('run_finished')).toEqual([expect.objectContaining({ status: 'interrupted' })]);
    expect(h.events.at(-1)!.type).toBe('run_finished');
  });

  it('stops a rollback in progress after the current step', async () => {
    const plan = { goal: 'g', steps: [toolStep('a', [], undo), toolStep('b', ['a'], undo), toolStep('c', ['b'])] };
    const h = new Harness(plan, { tools: { steps: { a: { ms: 10 }, b: { ms: 10 }, c: { ms: 10, fail: true } }, rollbacks: { b: { ms: 50 }, a: { ms: 50 } } } });
    h.clock.at(40, () => h.execution.halt());
    const state = await h.run();
    expect(state.status).toBe('interrupted');
    expect(h.tools.started('rollback')).toEqual(['b']);
  });
});
