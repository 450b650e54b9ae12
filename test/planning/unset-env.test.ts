import { describe, expect, it } from 'vitest';
import { PlanSchema, unsetEnvReadsOnResume, type RunState } from '../../src/planning/index.js';

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
