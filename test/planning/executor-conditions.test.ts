import { describe, expect, it } from 'vitest';
import { runPlan, toolStep } from '../helpers/run-plan.js';

describe('executor: when', () => {
  it('a false `when` skips the step (step_skipped, status skipped) without calling the tool', async () => {
    const plan = { goal: 'g', inputs: { deploy: false }, steps: [toolStep('deploy', [], { when: 'inputs.deploy' })] };
    const { state, h } = await runPlan(plan);
    expect(state.status).toBe('succeeded');
    expect(state.steps.deploy).toMatchObject({ status: 'skipped', attempts: 0 });
    expect(state.steps.deploy!.skipReason).toContain('inputs.deploy');
    expect(h.tools.calls).toHaveLength(0);
    const skipped = h.of('step_skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ stepId: 'deploy', runId: 'run-1' });
    expect(skipped[0]!.reason).toMatch(/false/);
    expect(h.of('step_started')).toHaveLength(0);
  });

  it('a true `when` runs the step', async () => {
    const plan = { goal: 'g', inputs: { n: 3 }, steps: [toolStep('go', [], { when: 'inputs.n > 2' })] };
    const { state, h } = await runPlan(plan);
    expect(state.steps.go!.status).toBe('succeeded');
    expect(h.tools.started()).toEqual(['go']);
  });

  it('a skipped step satisfies its dependents, which run at once', async () => {
    const plan = {
      goal: 'g',
      steps: [toolStep('a'), toolStep('skip-me', ['a'], { when: 'steps.a.output.attempt > 5' }), toolStep('after', ['skip-me'])],
    };
    const { state, h } = await runPlan(plan, { tools: { steps: { a: { ms: 10 }, after: { ms: 5 } } } });
    expect(state.status).toBe('succeeded');
    expect(state.steps['skip-me']!.status).toBe('skipped');
    expect(state.steps.after!.status).toBe('succeeded');
    expect(h.startedAt('after')).toBe(10);
    expect(state.completed).toEqual(['a', 'after']);
  });

  it('dependents can test a skipped step with steps.<id>.status', async () => {
    const plan = {
      goal: 'g',
      steps: [toolStep('opt', [], { when: 'false' }), toolStep('fallback', ['opt'], { when: 'steps.opt.status == "skipped"' })],
    };
    const { state } = await runPlan(plan);
    expect(state.steps.fallback!.status).toBe('succeeded');
  });

  it('reading a skipped step’s output fails the reading step with a message naming "skipped"', async () => {
    const plan = {
      goal: 'g',
      steps: [toolStep('opt', [], { when: 'false' }), toolStep('use', ['opt'], { args: { v: '{{ steps.opt.output.value }}' } })],
    };
    const { state, h } = await runPlan(plan);
    expect(state.status).toBe('failed');
    expect(state.failedStepId).toBe('use');
    expect(state.steps.use!.error).toMatch(/"opt" was skipped/);
    expect(h.tools.calls).toHaveLength(0);
  });

  it('a `when` that errors at run time fails the step — it is never treated as true', async () => {
    const plan = {
      goal: 'g',
      steps: [toolStep('a', [], {}), toolStep('b', ['a'], { when: 'steps.a.output.missing == 1' }), toolStep('c', ['b'])],
    };
    const { state, h } = await runPlan(plan, { tools: { steps: { a: { output: { present: 1 } } } } });
    expect(state.status).toBe('failed');
    expect(state.failedStepId).toBe('b');
    expect(state.steps.b!.status).toBe('failed');
    expect(state.steps.b!.error).toMatch(/missing/);
    expect(state.steps.c!.status).toBe('cancelled');
    expect(h.tools.started()).toEqual(['a']);
    expect(h.of('step_failed')).toEqual([expect.objectContaining({ stepId: 'b', timedOut: false })]);
  });

  it('a `when` that is not a boolean fails the step', async () => {
    const plan = { goal: 'g', inputs: { name: 'web' }, steps: [toolStep('x', [], { when: 'inputs.name' })] };
    const { state, h } = await runPlan(plan);
    expect(state.status).toBe('failed');
    expect(state.steps.x!.error).toMatch(/must be true or false/);
    expect(h.tools.calls).toHaveLength(0);
  });

  it('`when` is evaluated once, not again on each retry', async () => {
    const plan = {
      goal: 'g',
      steps: [toolStep('x', [], { when: 'true', retry: { maxAttempts: 3, initialDelayMs: 1 } })],
    };
    const { state, h } = await runPlan(plan, { tools: { steps: { x: { failTimes: 2 } } } });
    expect(state.steps.x).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(h.of('step_skipped')).toHaveLength(0);
  });
});

describe('executor: condition steps', () => {
  const plan = (value: string) => ({
    goal: 'g',
    inputs: { env: value },
    steps: [
      { id: 'is-prod', type: 'condition' as const, when: 'inputs.env == "prod"' },
      toolStep('prod-only', ['is-prod'], { when: 'steps["is-prod"].output.value' }),
      toolStep('dev-only', ['is-prod'], { when: '!steps["is-prod"].output.value' }),
    ],
  });

  it('produce { value: true/false } and dependents can test it', async () => {
    const prod = await runPlan(plan('prod'));
    expect(prod.state.steps['is-prod']).toMatchObject({ status: 'succeeded', output: { value: true } });
    expect(prod.state.steps['prod-only']!.status).toBe('succeeded');
    expect(prod.state.steps['dev-only']!.status).toBe('skipped');

    const dev = await runPlan(plan('dev'));
    expect(dev.state.steps['is-prod']).toMatchObject({ status: 'succeeded', output: { value: false } });
    expect(dev.state.steps['prod-only']!.status).toBe('skipped');
    expect(dev.state.steps['dev-only']!.status).toBe('succeeded');
  });

  it('emit started/succeeded with the value and call no tool', async () => {
    const { h } = await runPlan({ goal: 'g', steps: [{ id: 'c', type: 'condition' as const, when: '1 < 2' }] });
    expect(h.tools.calls).toHaveLength(0);
    expect(h.trace()).toEqual(['run_started', 'step_started:c#1', 'step_succeeded:c#1', 'run_finished']);
    expect(h.of('step_succeeded')[0]!.output).toEqual({ value: true });
  });

  it('a condition that is not a boolean fails the run', async () => {
    const { state } = await runPlan({ goal: 'g', inputs: { n: 3 }, steps: [{ id: 'c', type: 'condition' as const, when: 'inputs.n + 1' }] });
    expect(state.status).toBe('failed');
    expect(state.steps.c!.error).toMatch(/must be true or false, got 4/);
  });

  it('a condition that errors at run time fails the run', async () => {
    const plan = {
      goal: 'g',
      steps: [toolStep('a'), { id: 'c', type: 'condition' as const, when: 'steps.a.output.nope', dependsOn: ['a'] }, toolStep('z', ['c'])],
    };
    const { state } = await runPlan(plan);
    expect(state.status).toBe('failed');
    expect(state.failedStepId).toBe('c');
    expect(state.steps.z!.status).toBe('cancelled');
  });

  it('a condition is instant: it is evaluated as soon as it is ready', async () => {
    const plan = {
      goal: 'g',
      steps: [toolStep('a'), { id: 'c', type: 'condition' as const, when: 'true', dependsOn: ['a'] }, toolStep('b', ['c'])],
    };
    const { h } = await runPlan(plan, { tools: { steps: { a: { ms: 10 }, b: { ms: 10 } } } });
    expect(h.startedAt('c')).toBe(10);
    expect(h.startedAt('b')).toBe(10);
    expect(h.clock.elapsed).toBe(20);
  });
});
