import { describe, expect, it } from 'vitest';
import { Harness, maxConcurrency, runPlan, toolStep } from '../helpers/run-plan.js';

const independent = (n: number, ms: number) => ({
  goal: 'parallel',
  steps: Array.from({ length: n }, (_, i) => toolStep(`s${i}`)),
  tools: Object.fromEntries(Array.from({ length: n }, (_, i) => [`s${i}`, { ms }])),
});

describe('executor: parallelism and maxParallel', () => {
  it('runs independent steps at the same time (default maxParallel 5)', async () => {
    const { goal, steps, tools } = independent(5, 10);
    const { state, h } = await runPlan({ goal, steps }, { tools: { steps: tools } });
    expect(state.status).toBe('succeeded');
    expect(h.clock.elapsed).toBe(10);
    expect(h.tools.maxActive).toBe(5);
    for (let i = 0; i < 5; i++) expect(h.startedAt(`s${i}`)).toBe(0);
  });

  it('never runs more than maxParallel at once; 4 × 10 ms with maxParallel 2 take 20 ms', async () => {
    const { goal, steps, tools } = independent(4, 10);
    const { state, h } = await runPlan({ goal, maxParallel: 2, steps }, { tools: { steps: tools } });
    expect(state.status).toBe('succeeded');
    expect(h.clock.elapsed).toBe(20);
    expect(h.tools.maxActive).toBe(2);
    expect(maxConcurrency(h.events)).toBe(2);
    expect(['s0', 's1', 's2', 's3'].map((id) => h.startedAt(id))).toEqual([0, 0, 10, 10]);
  });

  it('the maxParallel option overrides the plan', async () => {
    const { goal, steps, tools } = independent(6, 10);
    const { h } = await runPlan({ goal, maxParallel: 2, steps }, { tools: { steps: tools }, maxParallel: 3 });
    expect(h.tools.maxActive).toBe(3);
    expect(h.clock.elapsed).toBe(20);
  });

  it('holds the bound with uneven durations and a deep DAG', async () => {
    const steps = Array.from({ length: 40 }, (_, i) => toolStep(`s${i}`, i >= 4 ? [`s${i - 4}`, `s${(i * 7) % i}`] : []));
    const tools = Object.fromEntries(steps.map((s, i) => [s.id, { ms: 1 + ((i * 13) % 17) }]));
    const { state, h } = await runPlan({ goal: 'g', maxParallel: 3, steps }, { tools: { steps: tools } });
    expect(state.status).toBe('succeeded');
    expect(h.tools.maxActive).toBeLessThanOrEqual(3);
    expect(maxConcurrency(h.events)).toBe(3);
    // Every step started after all its dependencies succeeded.
    const ended = new Map(h.of('step_succeeded').map((e) => [e.stepId, h.at(e)]));
    for (const step of steps) for (const dep of step.dependsOn) expect(h.startedAt(step.id)).toBeGreaterThanOrEqual(ended.get(dep)!);
  });
});

describe('executor: no level barriers', () => {
  it('starts a step the moment its dependencies are done, not when its level is', async () => {
    const plan = {
      goal: 'g',
      steps: [toolStep('a'), toolStep('b', ['a']), toolStep('c'), toolStep('d', ['a'])],
    };
    const { state, h } = await runPlan(plan, { tools: { steps: { a: { ms: 10 }, b: { ms: 10 }, c: { ms: 100 }, d: { ms: 5 } } } });
    expect(state.status).toBe('succeeded');
    expect(h.startedAt('a')).toBe(0);
    expect(h.startedAt('c')).toBe(0);
    expect(h.startedAt('b')).toBe(10);
    expect(h.startedAt('d')).toBe(10);
    expect(h.at(h.of('step_succeeded').find((e) => e.stepId === 'd')!)).toBe(15);
    expect(h.clock.elapsed).toBe(100);
  });

  it('a join starts when its slowest dependency ends', async () => {
    const plan = { goal: 'g', steps: [toolStep('x'), toolStep('y'), toolStep('join', ['x', 'y'])] };
    const { h } = await runPlan(plan, { tools: { steps: { x: { ms: 7 }, y: { ms: 30 }, join: { ms: 1 } } } });
    expect(h.startedAt('join')).toBe(30);
    expect(h.clock.elapsed).toBe(31);
  });

  it('a long chain finishes in the sum of its durations (no extra ticks)', async () => {
    const steps = Array.from({ length: 50 }, (_, i) => toolStep(`c${i}`, i > 0 ? [`c${i - 1}`] : []));
    const { h } = await runPlan({ goal: 'g', steps }, { tools: { fallback: { ms: 3 } } });
    expect(h.clock.elapsed).toBe(150);
  });
});

describe('executor: critical-path priority', () => {
  it('with one slot, the step heading the longest remaining chain starts first', async () => {
    // short (1 step) | mid -> mid2 (2 steps) | long -> long2 -> long3 (3 steps)
    const plan = {
      goal: 'g',
      maxParallel: 1,
      steps: [
        toolStep('short'),
        toolStep('mid'),
        toolStep('long'),
        toolStep('mid2', ['mid']),
        toolStep('long2', ['long']),
        toolStep('long3', ['long2']),
      ],
    };
    const { h } = await runPlan(plan);
    expect(h.tools.started()[0]).toBe('long');
    // long(3) > mid(2) > short(1); then mid(2) ties long2(2) and wins by plan order; then long2; then all 1s by plan order.
    expect(h.tools.started()).toEqual(['long', 'mid', 'long2', 'short', 'mid2', 'long3']);
  });

  it('breaks ties by plan order', async () => {
    const plan = { goal: 'g', maxParallel: 1, steps: [toolStep('c'), toolStep('a'), toolStep('b')] };
    const { h } = await runPlan(plan);
    expect(h.tools.started()).toEqual(['c', 'a', 'b']);
  });

  it('a newly ready step with a longer remaining chain overtakes steps queued earlier', async () => {
    // After "root" ends, "head" (chain of 3) must start before the leaves queued since t=0;
    // tail2 (remaining 1) ties the leaves and they come earlier in the plan.
    const plan = {
      goal: 'g',
      maxParallel: 1,
      steps: [
        toolStep('root'),
        toolStep('leaf1'),
        toolStep('leaf2'),
        toolStep('head', ['root']),
        toolStep('tail1', ['head']),
        toolStep('tail2', ['tail1']),
      ],
    };
    const { h } = await runPlan(plan);
    expect(h.tools.started()).toEqual(['root', 'head', 'tail1', 'leaf1', 'leaf2', 'tail2']);
  });

  it('stepWeight turns the step count into expected durations', async () => {
    const plan = { goal: 'g', maxParallel: 1, steps: [toolStep('many1'), toolStep('many2', ['many1']), toolStep('heavy')] };
    const weights: Record<string, number> = { many1: 1, many2: 1, heavy: 10 };
    const h = new Harness(plan, { stepWeight: (step) => weights[step.id]! });
    await h.run();
    expect(h.tools.started()).toEqual(['heavy', 'many1', 'many2']);
  });
});
