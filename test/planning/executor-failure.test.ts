import { describe, expect, it } from 'vitest';
import { runPlan, toolStep } from '../helpers/run-plan.js';
import { VirtualClock } from '../helpers/virtual-clock.js';

const undo = (extra: Record<string, unknown> = {}) => ({ rollback: { tool: 'undo', args: {}, ...extra } });

describe('executor: a failing step stops the run', () => {
  // a(10) -> fails at 10; b (running, 100 ms) is aborted; c (after b) and d (after a) never start.
  const plan = {
    goal: 'g',
    steps: [toolStep('a'), toolStep('b'), toolStep('c', ['b']), toolStep('d', ['a']), toolStep('e', [], {})],
    maxParallel: 2,
  };
  const tools = { steps: { a: { ms: 10, fail: true, error: 'disk full' }, b: { ms: 100 } } };

  it('aborts running steps, cancels never-started ones and starts nothing new', async () => {
    const { state, h } = await runPlan(plan, { tools });
    expect(state.status).toBe('failed');
    expect(state.failedStepId).toBe('a');
    expect(state.error).toBe('step "a" failed: disk full');
    expect(state.steps.a!.status).toBe('failed');
    expect(state.steps.b!.status).toBe('cancelled');
    expect(state.steps.c).toMatchObject({ status: 'cancelled', attempts: 0 });
    expect(state.steps.d).toMatchObject({ status: 'cancelled', attempts: 0 });
    expect(state.steps.e).toMatchObject({ status: 'cancelled', attempts: 0 });
    expect(h.tools.started()).toEqual(['a', 'b']);
    const b = h.tools.first('b');
    expect(b.signal.aborted).toBe(true);
    expect(b.abortedAt).toBe(10);
    expect(b.outcome).toBe('aborted');
    expect(h.clock.elapsed).toBe(10);
  });

  it('emits step_failed, step_cancelled for every other step, and run_finished failed', async () => {
    const { h } = await runPlan(plan, { tools });
    expect(h.of('step_failed').map((e) => e.stepId)).toEqual(['a']);
    expect(h.of('step_cancelled').map((e) => e.stepId).sort()).toEqual(['b', 'c', 'd', 'e']);
    const finished = h.of('run_finished');
    expect(finished).toEqual([expect.objectContaining({ status: 'failed', failedStepId: 'a', error: 'step "a" failed: disk full' })]);
    expect(h.events.at(-1)!.type).toBe('run_finished');
  });

  it('cancels a step that is waiting for its retry', async () => {
    const p = {
      goal: 'g',
      steps: [toolStep('flaky', [], { retry: { maxAttempts: 3, initialDelayMs: 1000 } }), toolStep('bad')],
    };
    const { state, h } = await runPlan(p, { tools: { steps: { flaky: { ms: 5, fail: true }, bad: { ms: 20, fail: true } } } });
    expect(state.failedStepId).toBe('bad');
    expect(state.steps.flaky).toMatchObject({ status: 'cancelled', attempts: 1 });
    expect(h.tools.callsOf('flaky')).toHaveLength(1);
    expect(h.clock.elapsed).toBe(20);
    expect(h.clock.pendingTimers).toBe(0);
  });
});

describe('executor: a step waiting for its retry slot', () => {
  it('is cancelled when another step fails (found by the property tests)', async () => {
    // One slot. flaky fails at once and may retry at 5 ms; bad holds the slot and fails at 5 ms.
    // The retry timer fires first, so flaky waits in the queue, no longer pending, when the run stops.
    const p = {
      goal: 'g',
      maxParallel: 1,
      steps: [toolStep('flaky', [], { retry: { maxAttempts: 2, initialDelayMs: 5 } }), toolStep('bad')],
    };
    const { state, h } = await runPlan(p, { tools: { steps: { flaky: { ms: 0, fail: true }, bad: { ms: 5, fail: true } } } });
    expect(state.failedStepId).toBe('bad');
    expect(state.steps.flaky).toMatchObject({ status: 'cancelled', attempts: 1 });
    expect(h.of('step_cancelled').map((e) => e.stepId)).toEqual(['flaky']);
    expect(h.tools.callsOf('flaky')).toHaveLength(1);
  });
});

describe('executor: rollback', () => {
  it('rolls back succeeded steps in reverse order of completion (LIFO), not reverse plan order', async () => {
    // Plan order: slow, quick, mid. Completion order: quick (10), mid (20), slow (30). boom fails at 40.
    const plan = {
      goal: 'g',
      steps: [
        toolStep('slow', [], undo()),
        toolStep('quick', [], undo()),
        toolStep('mid', [], undo()),
        toolStep('boom', ['slow', 'quick', 'mid'], undo()),
      ],
    };
    const { state, h } = await runPlan(plan, {
      tools: { steps: { slow: { ms: 30 }, quick: { ms: 10 }, mid: { ms: 20 }, boom: { ms: 10, fail: true } } },
    });
    expect(state.completed).toEqual(['quick', 'mid', 'slow']);
    expect(h.tools.started('rollback')).toEqual(['slow', 'mid', 'quick']);
    expect(h.of('rollback_started')).toEqual([expect.objectContaining({ stepIds: ['slow', 'mid', 'quick'] })]);
    expect(state.status).toBe('failed');
    for (const id of ['slow', 'quick', 'mid']) {
      expect(state.steps[id]!.status).toBe('rolled_back');
      expect(state.steps[id]!.rollback).toMatchObject({ status: 'succeeded' });
    }
    expect(state.steps.boom!.status).toBe('failed');
    expect(state.steps.boom!.rollback).toBeUndefined();
  });

  it('runs rollbacks one at a time, after the aborted steps have ended', async () => {
    const plan = {
      goal: 'g',
      steps: [toolStep('x', [], undo()), toolStep('y', [], undo()), toolStep('long'), toolStep('bad', ['x', 'y'])],
    };
    const { h } = await runPlan(plan, {
      tools: { steps: { x: { ms: 5 }, y: { ms: 6 }, long: { ms: 1000 }, bad: { ms: 10, fail: true } } },
    });
    const rollbacks = h.tools.calls.filter((c) => c.phase === 'rollback');
    expect(rollbacks.map((c) => [c.stepId, c.start, c.end])).toEqual([
      ['y', 16, 26],
      ['x', 26, 36],
    ]);
    expect(h.tools.first('long').abortedAt).toBe(16);
    expect(h.clock.elapsed).toBe(36);
  });

  it('only steps with a rollback action are rolled back; the others stay succeeded', async () => {
    const plan = { goal: 'g', steps: [toolStep('keep'), toolStep('undo-me', [], undo()), toolStep('bad', ['keep', 'undo-me'])] };
    const { state, h } = await runPlan(plan, { tools: { steps: { bad: { fail: true } } } });
    expect(h.tools.started('rollback')).toEqual(['undo-me']);
    expect(state.steps.keep!.status).toBe('succeeded');
    expect(state.steps['undo-me']!.status).toBe('rolled_back');
  });

  it('is best-effort: a failing rollback does not stop the others, and the run ends rollback_failed', async () => {
    const plan = {
      goal: 'g',
      steps: [toolStep('a', [], undo()), toolStep('b', ['a'], undo()), toolStep('c', ['b'], undo()), toolStep('bad', ['c'])],
    };
    const { state, h } = await runPlan(plan, {
      tools: { steps: { bad: { fail: true } }, rollbacks: { b: { fail: true, error: 'cannot delete' } } },
    });
    expect(h.tools.started('rollback')).toEqual(['c', 'b', 'a']);
    expect(state.status).toBe('rollback_failed');
    expect(state.steps.c!.status).toBe('rolled_back');
    expect(state.steps.b!.status).toBe('succeeded');
    expect(state.steps.b!.rollback).toMatchObject({ status: 'failed', error: 'cannot delete' });
    expect(state.steps.a!.status).toBe('rolled_back');
    expect(h.trace((e) => e.type.startsWith('rollback') || e.type === 'run_finished')).toEqual([
      'rollback_started',
      'rollback_step_succeeded:c#1',
      'rollback_step_failed:b#1',
      'rollback_step_succeeded:a#1',
      'run_finished',
    ]);
    expect(h.of('rollback_step_failed')[0]!.error).toBe('cannot delete');
    expect(h.of('run_finished')[0]!.status).toBe('rollback_failed');
  });

  it('records start and end times of each rollback', async () => {
    const plan = { goal: 'g', steps: [toolStep('a', [], undo()), toolStep('bad', ['a'])] };
    const { state, h } = await runPlan(plan, { tools: { steps: { a: { ms: 10 }, bad: { ms: 10, fail: true } }, rollbacks: { a: { ms: 7 } } } });
    const iso = (ms: number) => new Date(h.clock.epochMs + ms).toISOString();
    expect(state.steps.a!.rollback).toEqual({ status: 'succeeded', startedAt: iso(20), endedAt: iso(27) });
  });

  it('rollback args can reference the step’s own output', async () => {
    const plan = {
      goal: 'g',
      steps: [
        toolStep('start', [], { rollback: { tool: 'kill', args: { pid: '{{ steps.start.output.pid }}', note: 'pid {{ steps.start.output.pid }}' } } }),
        toolStep('bad', ['start']),
      ],
    };
    const { h } = await runPlan(plan, { tools: { steps: { start: { output: { pid: 4242 } }, bad: { fail: true } } } });
    const call = h.tools.callsOf('start', 'rollback')[0]!;
    expect(call.tool).toBe('kill');
    expect(call.args).toEqual({ pid: 4242, note: 'pid 4242' });
  });

  it('a rollback whose args fail to render counts as a failed rollback', async () => {
    const plan = {
      goal: 'g',
      steps: [toolStep('a', [], { rollback: { tool: 'undo', args: { x: '{{ steps.a.output.gone }}' } } }), toolStep('bad', ['a'])],
    };
    const { state, h } = await runPlan(plan, { tools: { steps: { a: { output: {} }, bad: { fail: true } } } });
    expect(state.status).toBe('rollback_failed');
    expect(state.steps.a!.rollback).toMatchObject({ status: 'failed' });
    expect(h.tools.calls.filter((c) => c.phase === 'rollback')).toHaveLength(0);
  });

  it('a rollback that hangs is ended by its timeoutMs and the next one still runs', async () => {
    const plan = {
      goal: 'g',
      steps: [toolStep('a', [], undo()), toolStep('b', ['a'], undo({ timeoutMs: 50 })), toolStep('bad', ['b'])],
    };
    const { state, h } = await runPlan(plan, { tools: { steps: { bad: { fail: true } }, rollbacks: { b: { hang: true } } } });
    expect(state.status).toBe('rollback_failed');
    expect(state.steps.b!.rollback).toMatchObject({ status: 'failed' });
    expect((state.steps.b!.rollback as { error: string }).error).toMatch(/timed out after 50 ms/);
    expect(state.steps.a!.status).toBe('rolled_back');
    expect(h.tools.callsOf('a', 'rollback')[0]!.start).toBe(h.tools.callsOf('b', 'rollback')[0]!.start + 50);
  });

  it('a step aborted at the instant of the failure is cancelled, not rolled back', async () => {
    const plan = { goal: 'g', steps: [toolStep('bad'), toolStep('same', [], undo())] };
    // Both are due at t=10; "bad" fails first (its timer was set first), so "same" is aborted before it finishes.
    const { state, h } = await runPlan(plan, { tools: { steps: { bad: { ms: 10, fail: true }, same: { ms: 10 } } } });
    expect(state.steps.same!.status).toBe('cancelled');
    expect(h.tools.started('rollback')).toEqual([]);
  });

  it('a step whose result arrived together with the failure counts as succeeded and is rolled back', async () => {
    const plan = { goal: 'g', steps: [toolStep('bad'), toolStep('same', [], undo())] };
    const settle: (() => void)[] = [];
    const rolledBack: string[] = [];
    const clock = new VirtualClock();
    const { state } = await runPlan(plan, {
      clock,
      invokeTool: (call) => {
        if (call.phase === 'rollback') {
          rolledBack.push(call.stepId);
          return Promise.resolve({});
        }
        return new Promise((resolve, reject) => {
          settle.push(call.stepId === 'bad' ? () => reject(new Error('boom')) : () => resolve({ done: true }));
          // One timer settles both calls in the same tick: the failure first.
          if (settle.length === 2) clock.setTimer(10, () => settle.forEach((f) => f()));
        });
      },
    });
    expect(state.status).toBe('failed');
    expect(state.steps.same!.status).toBe('rolled_back');
    expect(state.completed).toEqual(['same']);
    expect(rolledBack).toEqual(['same']);
  });

  it('the failed step is recorded with its error and end time', async () => {
    const plan = { goal: 'g', steps: [toolStep('bad')] };
    const { state, h } = await runPlan(plan, { tools: { steps: { bad: { ms: 12, fail: true, error: 'exit 1' } } } });
    expect(state.steps.bad).toMatchObject({ status: 'failed', attempts: 1, error: 'exit 1' });
    expect(state.steps.bad!.endedAt).toBe(new Date(h.clock.epochMs + 12).toISOString());
    expect(h.of('step_failed')[0]!.durationMs).toBe(12);
  });
});
