import { describe, expect, it } from 'vitest';
import { ABORT_SETTLE_MS, type InvokeTool } from '../../src/planning/index.js';
import { runPlan, toolStep } from '../helpers/run-plan.js';
import { VirtualClock } from '../helpers/virtual-clock.js';

const retry = (maxAttempts: number, initialDelayMs = 10) => ({ maxAttempts, initialDelayMs, multiplier: 1, maxDelayMs: 1000 });

describe('executor: per-attempt timeout', () => {
  it('gives each attempt its own timeoutMs (3 × 100 ms + 2 × 10 ms delay), not one budget for all', async () => {
    const plan = { goal: 'g', steps: [toolStep('hang', [], { timeoutMs: 100, retry: retry(3) })] };
    const { state, h } = await runPlan(plan, { tools: { steps: { hang: { hang: true } } } });
    expect(state.status).toBe('failed');
    const calls = h.tools.callsOf('hang');
    expect(calls.map((c) => [c.start, c.abortedAt, c.outcome])).toEqual([
      [0, 100, 'aborted'],
      [110, 210, 'aborted'],
      [220, 320, 'aborted'],
    ]);
    expect(h.clock.elapsed).toBe(320);
    expect(calls.every((c) => c.signal.aborted)).toBe(true);
  });

  it('reports "timed out" in the error, the retry events and the step_failed event', async () => {
    const plan = { goal: 'g', steps: [toolStep('hang', [], { timeoutMs: 100, retry: retry(2) })] };
    const { state, h } = await runPlan(plan, { tools: { steps: { hang: { hang: true } } } });
    expect(h.of('step_retrying')[0]!.error).toMatch(/timed out after 100 ms/);
    const failed = h.of('step_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ stepId: 'hang', attempt: 2, timedOut: true, durationMs: 100 });
    expect(failed[0]!.error).toMatch(/attempt 2 timed out/);
    expect(state.steps.hang!.error).toMatch(/timed out/);
    expect(state.error).toMatch(/step "hang" failed: .*timed out/);
    expect(h.tools.callsOf('hang')[0]!.abortReason).toMatch(/timed out/);
  });

  it('a timed-out attempt can be followed by a successful one', async () => {
    const plan = { goal: 'g', steps: [toolStep('slow-then-fast', [], { timeoutMs: 50, retry: retry(2) })] };
    // The first call hangs (never finishes on its own), the second is quick.
    let calls = 0;
    const { state, h } = await runPlan(plan, {
      tools: { steps: {} },
      invokeTool: (call) => {
        calls++;
        if (calls === 1) return new Promise((_, reject) => call.signal.addEventListener('abort', () => reject(call.signal.reason)));
        return Promise.resolve({ ok: true });
      },
    });
    expect(state.status).toBe('succeeded');
    expect(state.steps['slow-then-fast']).toMatchObject({ attempts: 2, output: { ok: true } });
    expect(h.clock.elapsed).toBe(60);
  });

  it('ends the attempt at the timeout even when the tool ignores its signal', async () => {
    const plan = { goal: 'g', steps: [toolStep('stubborn', [], { timeoutMs: 100 }), toolStep('after', ['stubborn'])] };
    const { state, h } = await runPlan(plan, { tools: { steps: { stubborn: { hang: true, ignoreAbort: true } } } });
    expect(state.status).toBe('failed');
    expect(state.steps.stubborn!.status).toBe('failed');
    expect(state.steps.after!.status).toBe('cancelled');
    // The attempt ends at the timeout; the run itself may give the aborted tool a bounded grace period.
    const failed = h.of('step_failed')[0]!;
    expect(h.at(failed)).toBe(100);
    expect(failed).toMatchObject({ timedOut: true, durationMs: 100 });
    expect(state.steps.stubborn!.endedAt).toBe(new Date(h.clock.epochMs + 100).toISOString());
    const call = h.tools.first('stubborn');
    expect(call.signal.aborted).toBe(true);
    expect(call.abortedAt).toBe(100);
    expect(call.outcome).toBeUndefined(); // still "running" as far as the tool knows
  });

  it('a late result from a tool that ignored the abort is not recorded as success', async () => {
    const plan = { goal: 'g', steps: [toolStep('stubborn', [], { timeoutMs: 100, retry: retry(2, 1000) })] };
    // Attempt 1 ignores the abort and "finishes" at 150 ms, during the backoff wait.
    const { state, h } = await runPlan(plan, { tools: { steps: { stubborn: { ms: 150, ignoreAbort: true, failTimes: 0 } } } });
    expect(h.tools.callsOf('stubborn')[0]!.outcome).toBe('succeeded');
    expect(h.tools.callsOf('stubborn')[0]!.end).toBe(150);
    expect(state.steps.stubborn!.attempts).toBe(2);
    expect(state.status).toBe('failed');
    expect(h.of('step_succeeded')).toHaveLength(0);
  });

  it("starts the retry only once the timed-out attempt has stopped (a killed client's container being removed)", async () => {
    const plan = { goal: 'g', steps: [toolStep('slow-stop', [], { timeoutMs: 100, retry: retry(2) })] };
    // Each attempt takes until 400 ms after its start to stop, whatever the abort says.
    const { h } = await runPlan(plan, { tools: { steps: { 'slow-stop': { ms: 400, ignoreAbort: true } } } });
    const calls = h.tools.callsOf('slow-stop');
    expect(calls.map((c) => [c.start, c.abortedAt, c.end])).toEqual([
      [0, 100, 400],
      [400, 500, 800],
    ]);
    // The retry event is still sent when the attempt times out.
    expect(h.at(h.of('step_retrying')[0]!)).toBe(100);
  });

  it('waits at most ABORT_SETTLE_MS for a timed-out attempt that never stops', async () => {
    const plan = { goal: 'g', steps: [toolStep('stuck', [], { timeoutMs: 100, retry: retry(2) })] };
    const { h } = await runPlan(plan, { tools: { steps: { stuck: { hang: true, ignoreAbort: true } } } });
    expect(h.tools.callsOf('stuck').map((c) => c.start)).toEqual([0, 100 + ABORT_SETTLE_MS]);
  });

  it('does not time out an attempt that finishes in time', async () => {
    const plan = { goal: 'g', steps: [toolStep('ok', [], { timeoutMs: 100 })] };
    const { state, h } = await runPlan(plan, { tools: { steps: { ok: { ms: 99 } } } });
    expect(state.status).toBe('succeeded');
    expect(h.tools.first('ok').signal.aborted).toBe(false);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('times out llm_query steps too, aborting the model call', async () => {
    const plan = { goal: 'g', steps: [{ id: 'ask', type: 'llm_query' as const, prompt: 'hi', timeoutMs: 30 }] };
    let signal: AbortSignal | undefined;
    const { state } = await runPlan(plan, {
      queryModel: (query) => {
        signal = query.signal;
        return new Promise(() => {});
      },
    });
    expect(state.status).toBe('failed');
    expect(state.steps.ask!.error).toMatch(/timed out after 30 ms/);
    expect(signal?.aborted).toBe(true);
  });

  it('a step on workers is timed from when a worker takes it: the wait in the queue is not its attempt (--worker-wait bounds that)', async () => {
    const clock = new VirtualClock();
    const after = (ms: number) => new Promise<void>((resolve) => clock.setTimer(ms, resolve));
    const ends: number[] = [];
    // Queued for 200 ms, then 100 ms of work on the worker (within timeoutMs 150); then one that hangs once taken.
    const invokeTool: InvokeTool = async (call) => {
      await after(200);
      call.onWorker?.('w1');
      if (call.stepId === 'quick') {
        await after(100);
        ends.push(clock.now() - clock.epochMs);
        return { ok: true };
      }
      return new Promise((_, reject) => call.signal.addEventListener('abort', () => reject(call.signal.reason)));
    };
    const plan = { goal: 'g', steps: [toolStep('quick', [], { timeoutMs: 150 }), toolStep('hangs', ['quick'], { timeoutMs: 150 })] };
    const { state, h } = await runPlan(plan, { clock, invokeTool, placeStep: () => ({ labels: [], each: false }) });
    expect(state.steps.quick).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(ends).toEqual([300]);
    expect(state.steps.hangs).toMatchObject({ status: 'failed' });
    expect(state.steps.hangs!.error).toMatch(/timed out after 150 ms/);
    // Taken at 300 + 200 = 500, timed out 150 ms later.
    expect(h.at(h.of('step_failed')[0]!)).toBe(650);
    // Their durations, like their timeouts, count from when a worker took them: one answer everywhere.
    expect(h.of('step_succeeded')[0]!.durationMs).toBe(100);
    expect(h.of('step_failed')[0]!.durationMs).toBe(150);
    expect(Date.parse(state.steps.quick!.startedAt!) - clock.epochMs).toBe(200);
  });
});
