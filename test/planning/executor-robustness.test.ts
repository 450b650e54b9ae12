import { describe, expect, it } from 'vitest';
import { Execution, isFinished, PlanSchema } from '../../src/planning/index.js';
import { Harness, runPlan, toolStep } from '../helpers/run-plan.js';

describe('executor: misbehaving tools', () => {
  it('a tool that throws synchronously fails its attempt like a rejection', async () => {
    const plan = { goal: 'g', steps: [toolStep('a', [], { retry: { maxAttempts: 2, initialDelayMs: 1 } })] };
    const { state } = await runPlan(plan, {
      invokeTool: () => {
        throw new Error('spawn ENOENT');
      },
    });
    expect(state.status).toBe('failed');
    expect(state.steps.a).toMatchObject({ status: 'failed', attempts: 2, error: 'spawn ENOENT' });
  });

  it('a rejection with a string or a plain object becomes a readable error', async () => {
    const str = await runPlan({ goal: 'g', steps: [toolStep('a')] }, { invokeTool: () => Promise.reject('exit code 2') });
    expect(str.state.steps.a!.error).toBe('exit code 2');
    const obj = await runPlan({ goal: 'g', steps: [toolStep('a')] }, { invokeTool: () => Promise.reject({ code: 'E1' }) });
    expect(obj.state.steps.a!.error).toBe('{"code":"E1"}');
  });

  it('the signal handed to a tool is a fresh one per attempt', async () => {
    const plan = { goal: 'g', steps: [toolStep('a', [], { retry: { maxAttempts: 3, initialDelayMs: 1 }, timeoutMs: 10 })] };
    const { h } = await runPlan(plan, { tools: { steps: { a: { hang: true } } } });
    const signals = h.tools.callsOf('a').map((c) => c.signal);
    expect(new Set(signals).size).toBe(3);
  });

  it('emits nothing after run_finished, even when a stubborn tool keeps printing', async () => {
    const plan = { goal: 'g', steps: [toolStep('a', [], { timeoutMs: 100 })] };
    const h = new Harness(plan, { tools: { steps: { a: { hang: true, ignoreAbort: true, lines: [{ line: 'early' }, { line: 'very late', atMs: 600_000 }] } } } });
    await h.run();
    await h.clock.advanceTo(700_000);
    expect(h.trace().at(-1)).toBe('run_finished');
    expect(h.of('step_output').map((e) => e.line)).not.toContain('very late');
  });

  it('a throwing onEvent subscriber does not hang the run', async () => {
    let thrown = 0;
    const h = new Harness(
      { goal: 'g', steps: [toolStep('a'), toolStep('b', ['a'])] },
      {
        onEvent: (event) => {
          if (event.type === 'step_succeeded' && thrown++ === 0) throw new Error('disk full');
        },
      },
    );
    const state = await h.run().catch((error: Error) => ({ status: `hung: ${error.message}` }));
    expect(state.status).toMatch(/^(succeeded|failed|rollback_failed|cancelled)$/);
    expect(isFinished(h.execution.status)).toBe(true);
  });
});

describe('executor: construction and start', () => {
  it('refuses a plan with a cycle', () => {
    const plan = PlanSchema.parse({ goal: 'g', steps: [toolStep('a', ['b']), toolStep('b', ['a'])] });
    expect(() => new Execution({ plan, runId: 'r', invokeTool: async () => null })).toThrow(/cycle/);
  });

  it('start() twice returns the same promise and runs each step once', async () => {
    const h = new Harness({ goal: 'g', steps: [toolStep('a')] });
    const first = h.execution.start();
    const second = h.execution.start();
    expect(second).toBe(first);
    await h.clock.run(first);
    expect(h.tools.calls).toHaveLength(1);
    expect(h.of('run_started')).toHaveLength(1);
  });

  it('the status getter follows the run', async () => {
    const h = new Harness({ goal: 'g', steps: [toolStep('a')] }, { tools: { steps: { a: { ms: 10 } } } });
    expect(h.execution.status).toBe('pending');
    const done = h.execution.start();
    expect(h.execution.status).toBe('running');
    await h.clock.run(done);
    expect(h.execution.status).toBe('succeeded');
  });

  it('uses the plan’s maxParallel, else 5', async () => {
    const steps = Array.from({ length: 8 }, (_, i) => toolStep(`s${i}`));
    const dflt = await runPlan({ goal: 'g', steps });
    expect(dflt.h.tools.maxActive).toBe(5);
    const one = await runPlan({ goal: 'g', maxParallel: 1, steps });
    expect(one.h.tools.maxActive).toBe(1);
  });
});
