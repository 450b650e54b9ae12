import { describe, expect, it } from 'vitest';
import { applyRunEvent, createRunView, initialRunState, PlanSchema, seedRunView, type RunEvent } from '../../src/planning/index.js';
import { formatSummary } from '../../src/cli/summary.js';
import { createStyler } from '../../src/tui/style.js';

// A run that died part-way through its rollback, then `ksa cancel`: the view it
// is rolled back under starts from what the run file says, rolled back steps included.

const plan = PlanSchema.parse({
  goal: 'rollback kill',
  steps: [
    { id: 'a', tool: 'shell', args: { command: 'echo a' }, rollback: { tool: 'shell', args: { command: 'echo rb-a' } } },
    { id: 'b', tool: 'shell', args: { command: 'echo b' }, dependsOn: ['a'], rollback: { tool: 'shell', args: { command: 'echo rb-b' } } },
    { id: 'c', tool: 'shell', args: { command: 'exit 3' }, dependsOn: ['b'] },
  ],
});

function interruptedMidRollback() {
  const state = initialRunState('r1', plan.goal, ['a', 'b', 'c'], {});
  const at = (s: number) => `2026-12-05T01:00:0${s}.000Z`;
  state.steps.a = { status: 'succeeded', attempts: 1, startedAt: at(0), endedAt: at(1) };
  state.steps.b = { status: 'rolled_back', attempts: 1, startedAt: at(1), endedAt: at(2), rollback: { status: 'succeeded', startedAt: at(3), endedAt: at(4) } };
  state.steps.c = { status: 'failed', attempts: 1, startedAt: at(2), endedAt: at(3), error: 'command exited with code 3' };
  return state;
}

const ts = '2026-12-05T01:00:09.000Z';
const cancelEvents: RunEvent[] = [
  { type: 'run_started', runId: 'r1', ts, goal: plan.goal, stepCount: 3, resumed: true } as RunEvent,
  { type: 'rollback_started', runId: 'r1', ts, stepIds: ['a'] },
  { type: 'rollback_step_succeeded', runId: 'r1', ts, stepId: 'a', attempt: 1 },
  { type: 'run_finished', runId: 'r1', ts, status: 'cancelled', durationMs: 30 },
];

describe('seedRunView of a run rolled back in part before it stopped', () => {
  it('ksa cancel (keepEnded) shows its rolled back steps as rolled back and counts them in the headline', () => {
    const view = createRunView('r1', plan);
    seedRunView(view, interruptedMidRollback(), { keepEnded: true });
    expect(view.steps.get('b')).toMatchObject({ status: 'rolled_back', rollback: { status: 'succeeded' } });
    for (const event of cancelEvents) applyRunEvent(view, event);
    expect(view.steps.get('a')?.status).toBe('rolled_back');
    const lines = formatSummary(view, createStyler(false));
    expect(lines[1]).toBe('⊘ Run cancelled (rolled back 2 steps)  rollback kill');
    expect(lines.find((line) => /^\s+\S+ b /.test(line))).toMatch(/b rolled back/);
    expect(lines.some((line) => /pending/.test(line))).toBe(false);
  });

  it('a resume (the steps run again) still starts them as pending', () => {
    const view = createRunView('r1', plan);
    seedRunView(view, interruptedMidRollback());
    expect(view.steps.get('b')?.status).toBe('pending');
    expect(view.rollbackStepIds).toEqual([]);
  });
});
