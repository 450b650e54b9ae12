import { describe, expect, it } from 'vitest';
import { Execution, type Plan, type RunEvent } from '../../src/planning/index.js';

const plan = {
  goal: 'write-ahead',
  steps: [
    { id: 'a', tool: 'noop', args: {}, dependsOn: [] },
    { id: 'b', tool: 'noop', args: {}, dependsOn: ['a'] },
    { id: 'c', tool: 'noop', args: {}, dependsOn: ['a'], rollback: { tool: 'undo', args: {} } },
  ],
} as unknown as Plan;

/** A commit that the test releases by hand, recording what the state held when it was asked. */
function manualCommit(execution: () => Execution) {
  const pending: { stepId: string; status: string; release: () => void; reject: (error: Error) => void }[] = [];
  const commit = (stepId: string) =>
    new Promise<void>((resolve, reject) => pending.push({ stepId, status: execution().state.steps[stepId]!.status, release: resolve, reject }));
  return { pending, commit };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('executor: write-ahead of successes (commitSuccess)', () => {
  it('announces a success and starts its dependents only after the commit resolves; the state says succeeded before', async () => {
    const events: RunEvent[] = [];
    let execution!: Execution;
    const { pending, commit } = manualCommit(() => execution);
    execution = new Execution({ plan, runId: 'r', invokeTool: () => Promise.resolve({ ok: true }), onEvent: (e) => events.push(e), commitSuccess: commit });
    const done = execution.start();
    await tick();
    expect(pending.map((p) => [p.stepId, p.status])).toEqual([['a', 'succeeded']]);
    expect(events.map((e) => e.type)).toEqual(['run_started', 'step_started']);
    pending.shift()!.release();
    await tick();
    expect(events.filter((e) => e.type === 'step_succeeded').map((e) => (e as { stepId: string }).stepId)).toEqual(['a']);
    expect(events.filter((e) => e.type === 'step_started').map((e) => (e as { stepId: string }).stepId).sort()).toEqual(['a', 'b', 'c']);
    while (pending.length > 0) pending.shift()!.release();
    const state = await done;
    expect(state.status).toBe('succeeded');
    expect(events.at(-1)!.type).toBe('run_finished');
  });

  it('a failed commit fails the step (no step_succeeded) and rolls back what was committed', async () => {
    const events: RunEvent[] = [];
    let execution!: Execution;
    const { pending, commit } = manualCommit(() => execution);
    execution = new Execution({ plan, runId: 'r', invokeTool: () => Promise.resolve(null), onEvent: (e) => events.push(e), commitSuccess: commit });
    const done = execution.start();
    await tick();
    pending.shift()!.release();
    await tick();
    const [first, second] = [pending.shift()!, pending.shift()!];
    const c = first.stepId === 'c' ? first : second;
    const b = first.stepId === 'b' ? first : second;
    c.release();
    b.reject(new Error('ENOSPC: no space left on device'));
    const state = await done;
    expect(state.status).toBe('failed');
    expect(state.steps.b!.status).toBe('failed');
    expect(state.steps.b!.error).toMatch(/could not record its success: ENOSPC/);
    expect(events.some((e) => e.type === 'step_succeeded' && e.stepId === 'b')).toBe(false);
    const types = events.map((e) => e.type);
    // c's success was announced before the rollback started, and c was rolled back.
    expect(types.indexOf('rollback_started')).toBeGreaterThan(events.findIndex((e) => e.type === 'step_succeeded' && e.stepId === 'c'));
    expect(state.steps.c!.status).toBe('rolled_back');
  });

  it('a synchronous commit announces at once; one that throws fails the step without step_succeeded', async () => {
    const events: RunEvent[] = [];
    const committed: string[] = [];
    const execution = new Execution({
      plan,
      runId: 'r',
      invokeTool: () => Promise.resolve(null),
      onEvent: (e) => events.push(e),
      maxParallel: 1,
      commitSuccess: (stepId) => {
        if (stepId === 'c') throw new Error('EIO: i/o error');
        committed.push(stepId);
      },
    });
    const state = await execution.start();
    expect(state.status).toBe('failed');
    expect(state.steps.c!.error).toMatch(/could not record its success: EIO/);
    expect(events.some((e) => e.type === 'step_succeeded' && e.stepId === 'c')).toBe(false);
    for (const id of committed) {
      const succeededAt = events.findIndex((e) => e.type === 'step_succeeded' && e.stepId === id);
      expect(succeededAt, id).toBeGreaterThan(0);
    }
    // Never more than maxParallel steps between step_started and their end.
    let running = 0;
    let most = 0;
    for (const e of events) {
      if (e.type === 'step_started') most = Math.max(most, ++running);
      if (e.type === 'step_succeeded' || e.type === 'step_failed') running--;
    }
    expect(most).toBe(1);
  });
});
