import type { Plan } from './schema.js';
import type { RunState } from './state.js';

/** Steps that were running when the run stopped are run again (at-least-once); finished ones are kept. */
export function prepareResume(saved: RunState, plan: Plan): RunState {
  const state: RunState = structuredClone(saved);
  for (const step of plan.steps) {
    const st = (state.steps[step.id] ??= { status: 'pending', attempts: 0 });
    if (st.status !== 'succeeded' && st.status !== 'skipped') {
      state.steps[step.id] = { status: 'pending', attempts: 0 };
    }
  }
  state.completed = state.completed.filter((id) => state.steps[id]?.status === 'succeeded');
  delete state.error;
  delete state.failedStepId;
  delete state.endedAt;
  return state;
}
