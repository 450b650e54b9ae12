import { describe, expect, it } from 'vitest';
import { compileExpression, evaluateExpression, PlanSchema, unsetEnvReads, unsetEnvReadsOnResume, type RunState } from '../../src/planning/index.js';

// What a resume would read unset: the steps that run again in full, the rollbacks of those kept as done.

const shell = (command: string) => ({ tool: 'shell', args: { command } });
const PLAN = PlanSchema.parse({
  goal: 'x',
  steps: [
    { id: 'done', ...shell('echo {{ env.DONE_ARG }}'), rollback: shell('echo {{ env.DONE_UNDO }}') },
    { id: 'begun', ...shell('echo {{ env.BEGUN_ARG }}'), rollback: shell('echo {{ env.BEGUN_UNDO }}') },
    { id: 'skipped', when: 'env.SKIP_WHEN == "x"', ...shell('echo {{ env.SKIP_ARG }}'), rollback: shell('echo {{ env.SKIP_UNDO }}') },
    { id: 'running', ...shell('echo {{ env.RUN_ARG }}'), rollback: shell('echo {{ has(env.GUARDED) ? env.GUARDED : "none" }}') },
  ],
});
const at = '2026-12-06T06:00:00.000Z';
const saved: Pick<RunState, 'steps'> = {
  steps: {
    done: { status: 'succeeded', attempts: 1 },
    begun: { status: 'succeeded', attempts: 1, rollbackStartedAt: at },
    skipped: { status: 'skipped', attempts: 0 },
    running: { status: 'running', attempts: 1 },
  },
};

describe('unsetEnvReadsOnResume', () => {
  it('a step kept as done is read for its rollback only; one whose rollback began runs again in full; a skipped one not at all; a guarded read never', () => {
    expect(unsetEnvReadsOnResume(PLAN, saved, {})).toEqual([
      { step: 'done', name: 'DONE_UNDO', rollback: true },
      { step: 'begun', name: 'BEGUN_ARG', rollback: false },
      { step: 'begun', name: 'BEGUN_UNDO', rollback: false },
      { step: 'running', name: 'RUN_ARG', rollback: false },
    ]);
  });

  it('set variables are not reported', () => {
    expect(unsetEnvReadsOnResume(PLAN, saved, { DONE_UNDO: '1', BEGUN_ARG: '2', BEGUN_UNDO: '3', RUN_ARG: '4' })).toEqual([]);
  });
});

// A read of an unset variable fails the step; it counts as guarded only where that same variable was tested on the way.
describe('unsetEnvReads: which reads are guarded', () => {
  const readsOf = (command: string, when?: string) =>
    unsetEnvReads(PlanSchema.parse({ goal: 'x', steps: [{ id: 's', ...(when !== undefined ? { when } : {}), ...shell(command) }] }), {}).map((read) => read.name);

  it('a test of another variable, or an operator that tests nothing, guards no read', () => {
    expect(readsOf('echo {{ env.A != null && env.B == "x" }}')).toEqual(['A', 'B']);
    expect(readsOf('echo {{ has(env.A) ? env.B : "none" }}')).toEqual(['B']);
    expect(readsOf('echo {{ "A" in env && env.B == "x" }}')).toEqual(['B']);
    expect(readsOf('echo {{ env.A || "x" }}')).toEqual(['A']);
    expect(readsOf('echo {{ env.A in ["x"] ? "y" : "z" }}')).toEqual(['A']);
    expect(readsOf('echo {{ has(env.A) || env.A == "x" }}')).toEqual(['A']);
    expect(readsOf('echo {{ has(env.A) ? "set" : env.A }}')).toEqual(['A']);
    expect(readsOf('echo {{ env.A == "x" ? has(env.A) : false }}')).toEqual(['A']);
  });

  it('a test of that same variable guards it: has(), in, a negation, either side of && and ||', () => {
    expect(readsOf('echo {{ has(env.A) ? env.A : "none" }}')).toEqual([]);
    expect(readsOf('echo {{ "A" in env && env["A"] == "x" }}')).toEqual([]);
    expect(readsOf('echo {{ !has(env.A) ? "none" : env.A }}')).toEqual([]);
    expect(readsOf('echo {{ !has(env.A) || env.A == "x" }}')).toEqual([]);
    expect(readsOf('echo {{ has(env.A) && has(env.B) ? env.A + env.B : "" }}')).toEqual([]);
    // An unset A fails the left side, and CEL answers from the right one, which says false (true) alone.
    expect(readsOf('echo {{ env.A == "x" && has(env.A) }}')).toEqual([]);
    expect(readsOf('echo {{ env.A == "x" || !has(env.A) }}')).toEqual([]);
  });

  it("a when requiring it set guards the step's reads; a when reading it plainly is itself a read", () => {
    expect(readsOf('echo {{ env.A }}', 'has(env.A)')).toEqual([]);
    expect(readsOf('echo {{ env.A }} {{ env.B }}', '"A" in env && env.C == "x"')).toEqual(['C', 'B']);
    expect(readsOf('echo {{ env.A }}', 'has(env.A) || has(env.B)')).toEqual(['A']);
  });

  it('a macro variable named env is not the environment', () => {
    expect(readsOf('echo {{ [{"A": 1}].exists(env, env.A == 1) }}')).toEqual([]);
  });

  it("a done step's rollback is not guarded by its when: that was decided in the environment of then", () => {
    const plan = PlanSchema.parse({ goal: 'x', steps: [{ id: 's', when: 'has(env.A)', ...shell('echo {{ env.A }}'), rollback: shell('echo {{ env.A }}') }] });
    expect(unsetEnvReads(plan, {})).toEqual([]);
    expect(unsetEnvReads(plan, {}, new Set(['s']))).toEqual([{ step: 's', name: 'A', rollback: true }]);
    // Evaluated as the run evaluates it: has() is false for the unset A, so the guarded read never happens.
    expect(evaluateExpression(mustCompile('has(env.A) ? env.A : "none"'), { steps: {}, inputs: {}, env: {} })).toBe('none');
    expect(() => evaluateExpression(mustCompile('has(env.B) ? env.A : "none"'), { steps: {}, inputs: {}, env: { B: 'b' } })).toThrow(/No such key: A/);
  });
});

function mustCompile(source: string) {
  const compiled = compileExpression(source);
  if (!compiled.ok) throw new Error(compiled.message);
  return compiled.expression;
}
