import { describe, expect, it } from 'vitest';
import { applyRunEvent, createRunView, executePlan, PlanSchema, type RunEvent } from '../../src/planning/index.js';
import { FakeTools } from '../helpers/fake-tools.js';
import { Harness, toolStep } from '../helpers/run-plan.js';
import { VirtualClock } from '../helpers/virtual-clock.js';

const undo = { rollback: { tool: 'undo', args: {} } };

describe('executor: cancel()', () => {
  it('aborts running steps, cancels the rest, rolls back what succeeded and ends cancelled', async () => {
    const plan = { goal: 'g', steps: [toolStep('a', [], undo), toolStep('b', ['a'], undo), toolStep('c', ['b'])] };
    const h = new Harness(plan, { tools: { steps: { a: { ms: 10 }, b: { ms: 100 }, c: { ms: 10 } } } });
    h.clock.at(50, () => h.execution.cancel());
    const state = await h.run();
    expect(state.status).toBe('cancelled');
    expect(state.error).toBe('cancelled by the user');
    expect(state.failedStepId).toBeUndefined();
    expect(state.steps.a!.status).toBe('rolled_back');
    expect(state.steps.b!.status).toBe('cancelled');
    expect(state.steps.c).toMatchObject({ status: 'cancelled', attempts: 0 });
    const b = h.tools.first('b');
    expect(b.abortedAt).toBe(50);
    expect(b.abortReason).toMatch(/cancel/);
    expect(h.tools.started('rollback')).toEqual(['a']);
    expect(h.of('run_finished')).toEqual([expect.objectContaining({ status: 'cancelled', error: 'cancelled by the user' })]);
    expect(h.clock.elapsed).toBe(60);
  });

  it('takes a reason', async () => {
    const h = new Harness({ goal: 'g', steps: [toolStep('a')] }, { tools: { steps: { a: { hang: true } } } });
    h.clock.at(5, () => h.execution.cancel('SIGTERM'));
    const state = await h.run();
    expect(state.error).toBe('SIGTERM');
    expect(h.tools.first('a').abortReason).toMatch(/SIGTERM/);
  });

  it('cancels a step that is waiting for its retry, cancelling the timer', async () => {
    const plan = {
      goal: 'g',
      steps: [toolStep('ok', [], undo), toolStep('flaky', ['ok'], { retry: { maxAttempts: 5, initialDelayMs: 1000 } })],
    };
    const h = new Harness(plan, { tools: { steps: { ok: { ms: 10 }, flaky: { ms: 10, fail: true } } } });
    h.clock.at(500, () => h.execution.cancel());
    const state = await h.run();
    expect(state.status).toBe('cancelled');
    expect(state.steps.flaky).toMatchObject({ status: 'cancelled', attempts: 1 });
    expect(h.tools.callsOf('flaky')).toHaveLength(1);
    expect(state.steps.ok!.status).toBe('rolled_back');
    expect(h.clock.elapsed).toBe(510);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('is ignored after the run finished, and a second cancel() is a no-op', async () => {
    const h = new Harness({ goal: 'g', steps: [toolStep('a', [], undo)] }, { tools: { steps: { a: { hang: true } } } });
    h.clock.at(5, () => {
      h.execution.cancel('first');
      h.execution.cancel('second');
    });
    const state = await h.run();
    expect(state.error).toBe('first');
    h.execution.cancel('late');
    expect(h.execution.status).toBe('cancelled');
    expect(h.of('run_finished')).toHaveLength(1);
  });

  it('executePlan cancels through an AbortSignal', async () => {
    const clock = new VirtualClock();
    const tools = new FakeTools(clock, { steps: { a: { ms: 10 }, b: { hang: true } } });
    const controller = new AbortController();
    clock.at(20, () => controller.abort());
    const plan = PlanSchema.parse({ goal: 'g', steps: [toolStep('a', [], undo), toolStep('b', ['a'])] });
    const state = await clock.run(executePlan({ plan, runId: 'r', clock, invokeTool: tools.invoke, abortSignal: controller.signal }));
    expect(state.status).toBe('cancelled');
    expect(state.steps.a!.status).toBe('rolled_back');
    expect(state.steps.b!.status).toBe('cancelled');
  });

  it('executePlan with an already aborted signal runs nothing', async () => {
    const clock = new VirtualClock();
    const tools = new FakeTools(clock);
    const plan = PlanSchema.parse({ goal: 'g', steps: [toolStep('a'), toolStep('b')] });
    const state = await clock.run(executePlan({ plan, runId: 'r', clock, invokeTool: tools.invoke, abortSignal: AbortSignal.abort() }));
    expect(state.status).toBe('cancelled');
    expect(tools.calls).toHaveLength(0);
    expect(Object.values(state.steps).map((s) => s.status)).toEqual(['cancelled', 'cancelled']);
  });
});

describe('executor: pause() and resume()', () => {
  const plan = { goal: 'g', steps: [toolStep('a'), toolStep('b'), toolStep('c', ['a']), toolStep('d', ['c'])] };
  const tools = { steps: { a: { ms: 10 }, b: { ms: 30 }, c: { ms: 10 }, d: { ms: 10 } } };

  it('after pause no new step starts while running ones finish; resume continues', async () => {
    const h = new Harness(plan, { tools });
    const seen: Record<string, string> = {};
    h.clock.at(5, () => h.execution.pause());
    h.clock.at(40, () => (seen.at40 = h.execution.status));
    h.clock.at(50, () => h.execution.resume());
    const state = await h.run();
    expect(state.status).toBe('succeeded');
    expect(seen.at40).toBe('paused');
    // a and b finished while paused; c had to wait for resume.
    expect(h.tools.first('a').end).toBe(10);
    expect(h.tools.first('b').end).toBe(30);
    expect(h.startedAt('c')).toBe(50);
    expect(h.startedAt('d')).toBe(60);
    expect(h.clock.elapsed).toBe(70);
    const paused = h.of('run_paused');
    const resumed = h.of('run_resumed');
    expect(paused.map((e) => h.at(e))).toEqual([5]);
    expect(resumed.map((e) => h.at(e))).toEqual([50]);
    expect(paused[0]!.runId).toBe('run-1');
  });

  it('pause() and resume() twice emit once each', async () => {
    const h = new Harness(plan, { tools });
    h.clock.at(5, () => {
      h.execution.pause();
      h.execution.pause();
    });
    h.clock.at(50, () => {
      h.execution.resume();
      h.execution.resume();
    });
    await h.run();
    expect(h.of('run_paused')).toHaveLength(1);
    expect(h.of('run_resumed')).toHaveLength(1);
  });

  it('a retry that becomes due while paused waits for resume', async () => {
    const p = { goal: 'g', steps: [toolStep('flaky', [], { retry: { maxAttempts: 2, initialDelayMs: 10 } })] };
    const h = new Harness(p, { tools: { steps: { flaky: { ms: 5, failTimes: 1 } } } });
    h.clock.at(1, () => h.execution.pause());
    h.clock.at(100, () => h.execution.resume());
    const state = await h.run();
    expect(state.status).toBe('succeeded');
    expect(h.startedAt('flaky', 2)).toBe(100);
  });

  it('cancel while paused ends the run cancelled with rollback', async () => {
    const h = new Harness({ goal: 'g', steps: [toolStep('a', [], undo), toolStep('b', ['a'])] }, { tools: { steps: { a: { ms: 10 } } } });
    h.clock.at(5, () => h.execution.pause());
    h.clock.at(20, () => h.execution.cancel());
    const state = await h.run();
    expect(state.status).toBe('cancelled');
    expect(state.steps.a!.status).toBe('rolled_back');
    expect(state.steps.b!.status).toBe('cancelled');
    expect(h.tools.started()).toEqual(['a']);
  });

  it('a paused run that is cancelled is no longer paused while it stops and rolls back: in its state and in a view of its events', async () => {
    const plan = { goal: 'g', steps: [toolStep('a', [], undo), toolStep('b', ['a'])] };
    const view = createRunView('r', PlanSchema.parse(plan));
    const seen: string[] = [];
    const h: Harness = new Harness(plan, {
      tools: { steps: { a: { ms: 10 } } },
      onEvent: (event) => {
        applyRunEvent(view, event);
        if (event.type === 'rollback_started') seen.push(`${h.execution.state.status}/${view.status}`);
      },
    });
    h.clock.at(15, () => h.execution.pause());
    h.clock.at(20, () => h.execution.cancel());
    const state = await h.run();
    expect(seen).toEqual(['running/running']);
    expect(state.status).toBe('cancelled');
  });

  it('a paused run whose running step fails is no longer paused while it rolls back', async () => {
    const plan = { goal: 'g', steps: [toolStep('a', [], undo), toolStep('b', ['a'])] };
    const view = createRunView('r', PlanSchema.parse(plan));
    const seen: string[] = [];
    const h: Harness = new Harness(plan, {
      tools: { steps: { a: { ms: 10 }, b: { ms: 20, fail: true } } },
      onEvent: (event) => {
        applyRunEvent(view, event);
        if (event.type === 'rollback_started') seen.push(`${h.execution.state.status}/${view.status}`);
      },
    });
    h.clock.at(15, () => h.execution.pause());
    const state = await h.run();
    expect(seen).toEqual(['running/running']);
    expect(state.status).toBe('failed');
  });

  it('pause() before start() does nothing', async () => {
    const h = new Harness({ goal: 'g', steps: [toolStep('a')] });
    h.execution.pause();
    const state = await h.run();
    expect(state.status).toBe('succeeded');
    expect(h.of('run_paused')).toHaveLength(0);
  });

  it('a run paused with nothing left to start still finishes when its running steps end', async () => {
    const h = new Harness({ goal: 'g', steps: [toolStep('a')] }, { tools: { steps: { a: { ms: 10 } } } });
    h.clock.at(5, () => h.execution.pause());
    const state = await h.run();
    expect(state.status).toBe('succeeded');
  });

  it('emits events in a sensible order', async () => {
    const h = new Harness(plan, { tools });
    h.clock.at(5, () => h.execution.pause());
    h.clock.at(50, () => h.execution.resume());
    await h.run();
    const types = h.events.map((e: RunEvent) => e.type);
    expect(types.indexOf('run_paused')).toBeLessThan(types.indexOf('run_resumed'));
    expect(types.lastIndexOf('step_started')).toBeGreaterThan(types.indexOf('run_resumed'));
  });
});
