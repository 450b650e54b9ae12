import { describe, expect, it } from 'vitest';
import { JITTER_RATIO, retryDelayMs } from '../../src/planning/index.js';
import { runPlan, toolStep } from '../helpers/run-plan.js';

const policy = (maxAttempts: number, initialDelayMs = 100, multiplier = 2, maxDelayMs = 300) => ({ maxAttempts, initialDelayMs, multiplier, maxDelayMs });

describe('retryDelayMs', () => {
  it('grows by the multiplier and is capped at maxDelayMs', () => {
    const p = policy(10);
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(p, n, () => 0))).toEqual([100, 200, 300, 300, 300]);
  });

  it('jitter takes away at most 25% of the delay', () => {
    expect(JITTER_RATIO).toBe(0.25);
    const p = policy(10, 1000, 3, 5000);
    for (const n of [1, 2, 3, 4]) {
      const full = retryDelayMs(p, n, () => 0);
      const least = retryDelayMs(p, n, () => 0.999);
      expect(least).toBeLessThanOrEqual(full);
      expect(least).toBeGreaterThanOrEqual(Math.floor(full * (1 - JITTER_RATIO)));
    }
    expect(retryDelayMs(p, 1, () => 0.5)).toBe(875);
  });

  it('a multiplier of 1 keeps the delay constant; 0 ms means retry at once', () => {
    expect([1, 2, 3].map((n) => retryDelayMs(policy(5, 50, 1, 1000), n, () => 0))).toEqual([50, 50, 50]);
    expect(retryDelayMs(policy(5, 0, 2, 1000), 3, () => 0.7)).toBe(0);
  });
});

describe('executor: retries', () => {
  it('maxAttempts counts total attempts: 2 failures then success within 3 attempts', async () => {
    const plan = { goal: 'g', steps: [toolStep('flaky', [], { retry: policy(3) })] };
    const { state, h } = await runPlan(plan, { tools: { steps: { flaky: { ms: 10, failTimes: 2, output: { ok: true } } } } });
    expect(state.status).toBe('succeeded');
    expect(state.steps.flaky).toMatchObject({ status: 'succeeded', attempts: 3, output: { ok: true } });
    expect(state.steps.flaky!.error).toBeUndefined();
    expect(h.tools.callsOf('flaky').map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(h.trace((e) => e.type.startsWith('step_'))).toEqual([
      'step_started:flaky#1',
      'step_retrying:flaky#1',
      'step_started:flaky#2',
      'step_retrying:flaky#2',
      'step_started:flaky#3',
      'step_succeeded:flaky#3',
    ]);
  });

  it('fails after exactly maxAttempts attempts', async () => {
    const plan = { goal: 'g', steps: [toolStep('bad', [], { retry: policy(3) })] };
    const { state, h } = await runPlan(plan, { tools: { steps: { bad: { ms: 10, fail: true, error: 'boom' } } } });
    expect(state.status).toBe('failed');
    expect(state.steps.bad).toMatchObject({ status: 'failed', attempts: 3, error: 'boom' });
    expect(h.tools.callsOf('bad')).toHaveLength(3);
    expect(h.of('step_retrying')).toHaveLength(2);
    expect(h.of('step_failed')).toEqual([expect.objectContaining({ stepId: 'bad', attempt: 3, error: 'boom', timedOut: false })]);
  });

  it('without a retry policy there is a single attempt', async () => {
    const { state, h } = await runPlan({ goal: 'g', steps: [toolStep('once')] }, { tools: { steps: { once: { failTimes: 1 } } } });
    expect(state.status).toBe('failed');
    expect(h.tools.callsOf('once')).toHaveLength(1);
    expect(h.of('step_retrying')).toHaveLength(0);
  });

  it('step_retrying carries the delay and the error; delays grow by the multiplier up to maxDelayMs', async () => {
    const plan = { goal: 'g', steps: [toolStep('bad', [], { retry: policy(5) })] };
    const { h } = await runPlan(plan, { random: () => 0, tools: { steps: { bad: { ms: 10, fail: true, error: 'nope' } } } });
    const retrying = h.of('step_retrying');
    expect(retrying.map((e) => e.delayMs)).toEqual([100, 200, 300, 300]);
    expect(retrying.map((e) => e.attempt)).toEqual([1, 2, 3, 4]);
    expect(retrying.every((e) => e.error === 'nope')).toBe(true);
    // Attempt n+1 starts exactly delay ms after attempt n ended.
    expect(h.tools.callsOf('bad').map((c) => c.start)).toEqual([0, 110, 320, 630, 940]);
    expect(h.clock.elapsed).toBe(950);
  });

  it('jitter shortens each delay by at most 25%', async () => {
    const plan = { goal: 'g', steps: [toolStep('bad', [], { retry: policy(4, 1000, 2, 3000) })] };
    const { h } = await runPlan(plan, { random: () => 0.999, tools: { steps: { bad: { ms: 0, fail: true } } } });
    const delays = h.of('step_retrying').map((e) => e.delayMs);
    const full = [1000, 2000, 3000];
    delays.forEach((d, k) => {
      expect(d).toBeLessThan(full[k]!);
      expect(d).toBeGreaterThanOrEqual(full[k]! * 0.75);
    });
    expect(delays).toEqual([750, 1501, 2251]);
    expect(h.tools.callsOf('bad').map((c) => c.start)).toEqual([0, 750, 2251, 4502]);
  });

  it('uses the schema defaults (500 ms, ×2) when only maxAttempts is given', async () => {
    const plan = { goal: 'g', steps: [toolStep('bad', [], { retry: { maxAttempts: 3 } })] };
    const { h } = await runPlan(plan, { tools: { steps: { bad: { ms: 0, fail: true } } } });
    expect(h.of('step_retrying').map((e) => e.delayMs)).toEqual([500, 1000]);
  });

  it('frees the slot during the backoff wait', async () => {
    const plan = {
      goal: 'g',
      maxParallel: 1,
      steps: [toolStep('flaky', [], { retry: policy(2, 50) }), toolStep('other')],
    };
    const { state, h } = await runPlan(plan, { tools: { steps: { flaky: { ms: 10, failTimes: 1 }, other: { ms: 10 } } } });
    expect(state.status).toBe('succeeded');
    expect(h.startedAt('flaky', 1)).toBe(0);
    expect(h.startedAt('other')).toBe(10);
    expect(h.startedAt('flaky', 2)).toBe(60);
    expect(h.clock.elapsed).toBe(70);
  });

  it('a retried step waits for a slot again and is queued by priority', async () => {
    const plan = {
      goal: 'g',
      maxParallel: 1,
      steps: [toolStep('flaky', [], { retry: policy(2, 5) }), toolStep('long')],
    };
    const { h } = await runPlan(plan, { tools: { steps: { flaky: { ms: 10, failTimes: 1 }, long: { ms: 100 } } } });
    // The retry became due at t=15 while "long" held the only slot.
    expect(h.startedAt('long')).toBe(10);
    expect(h.startedAt('flaky', 2)).toBe(110);
  });

  it('the executor leaves no timers behind', async () => {
    const plan = { goal: 'g', steps: [toolStep('a', [], { retry: policy(3), timeoutMs: 1000 }), toolStep('b', ['a'], { timeoutMs: 50 })] };
    const { state, h } = await runPlan(plan, { tools: { steps: { a: { ms: 10, failTimes: 1 }, b: { ms: 10 } } } });
    expect(state.status).toBe('succeeded');
    expect(h.clock.pendingTimers).toBe(0);
  });
});
