import { describe, expect, it } from 'vitest';
import {
  applyRunEvent,
  createRunView,
  durationStats,
  estimateRemaining,
  isSlowerThanUsual,
  PlanSchema,
  stepWeights,
  viewEstimate,
  type DurationStats,
  type PlanInput,
} from '../../src/planning/index.js';
import { Harness, toolStep } from '../helpers/run-plan.js';
import { VirtualClock } from '../helpers/virtual-clock.js';

// Learned durations: stats from samples, the scheduler's weights, the time left
// of a run in progress (under simulated time), and "slower than usual".

const point = (ms: number): DurationStats => durationStats([ms, ms, ms])!;

/** install → (build 60 s, lint 10 s) → deploy 20 s. */
const PLAN: PlanInput = {
  goal: 'ship',
  steps: [toolStep('install'), toolStep('build', ['install']), toolStep('lint', ['install']), toolStep('deploy', ['build', 'lint'])],
};
const DURATIONS = { install: 30_000, build: 60_000, lint: 10_000, deploy: 20_000 };

describe('durationStats', () => {
  it('the median of the samples; a point estimate from three samples on', () => {
    expect(durationStats([40, 10, 20])).toEqual({ medianMs: 20, lowMs: 20, highMs: 20, samples: 3 });
    expect(durationStats([10, 20, 30, 40])).toMatchObject({ medianMs: 25, lowMs: 25, highMs: 25 });
    expect(durationStats([])).toBeUndefined();
    expect(durationStats([Number.NaN, -1])).toBeUndefined();
  });

  it('thin history (one or two runs) gives a range around the median', () => {
    expect(durationStats([1000])).toEqual({ medianMs: 1000, lowMs: 700, highMs: 1500, samples: 1 });
    const two = durationStats([1000, 3000])!;
    expect(two.medianMs).toBe(2000);
    expect(two.lowMs).toBe(1000);
    expect(two.highMs).toBe(3000);
  });
});

describe('stepWeights', () => {
  it("weighs steps by their median; a step without history gets the median of the plan's timed steps", () => {
    const plan = PlanSchema.parse(PLAN);
    const weight = stepWeights(plan, new Map([['install', point(30)], ['build', point(60)], ['lint', point(10)]]))!;
    expect(['install', 'build', 'lint', 'deploy'].map(weight)).toEqual([30, 60, 10, 30]);
    expect(stepWeights(plan, new Map())).toBeUndefined();
  });

  it('with weights the scheduler starts the long chain first, not the first in plan order', async () => {
    // maxParallel 1: short (10 ms) is first in plan order, long (100 ms) → tail (100 ms) is the critical path.
    const plan: PlanInput = { goal: 'g', maxParallel: 1, steps: [toolStep('short'), toolStep('long'), toolStep('tail', ['long'])] };
    const tools = { steps: { short: { ms: 10 }, long: { ms: 100 }, tail: { ms: 100 } } };
    const weight = stepWeights(PlanSchema.parse(plan), new Map([['short', point(10)], ['long', point(100)], ['tail', point(100)]]))!;
    const h = new Harness(plan, { tools, stepWeight: (step) => weight(step.id) });
    await h.run();
    expect(h.startedAt('long')).toBe(0);
  });
});

describe('estimateRemaining under simulated time', () => {
  it('is the critical path of what remains, and shrinks as the run goes', async () => {
    const clock = new VirtualClock();
    const plan = PlanSchema.parse(PLAN);
    const stats = new Map(Object.entries(DURATIONS).map(([id, ms]) => [id, point(ms)]));
    const view = createRunView('run-1', plan);
    view.estimates = { plan, stats };
    const h = new Harness(PLAN, { clock, tools: { steps: Object.fromEntries(Object.entries(DURATIONS).map(([id, ms]) => [id, { ms }])) }, onEvent: (event) => applyRunEvent(view, event) });
    const seen: [number, number | undefined][] = [];
    for (const at of [1, 15_000, 45_000, 89_000, 100_000]) clock.at(at, () => seen.push([at, viewEstimate(view, clock.now())?.lowMs]));
    await h.run();
    // 110 s in all: install 30 + build 60 + deploy 20.
    expect(seen).toEqual([
      [1, 109_999],
      [15_000, 95_000],
      [45_000, 65_000],
      [89_000, 21_000],
      [100_000, 10_000],
    ]);
    expect(clock.elapsed).toBe(110_000);
    // A finished run has no time left to show.
    expect(viewEstimate(view, clock.now())).toBeUndefined();
  });

  it('a range while history is thin, and steps never timed are counted, not guessed', () => {
    const plan = PlanSchema.parse(PLAN);
    const stats = new Map([['install', durationStats([30_000])!], ['build', point(60_000)]]);
    const estimate = estimateRemaining(plan, () => ({ status: 'pending' }), stats, 0)!;
    expect(estimate.lowMs).toBe(21_000 + 60_000);
    expect(estimate.highMs).toBe(45_000 + 60_000);
    expect(estimate.untimedSteps).toBe(2);
    expect(estimateRemaining(plan, () => ({ status: 'pending' }), new Map(), 0)).toBeUndefined();
  });

  it('steps queued for too few slots count: their work over maxParallel when it is longer than the critical path', () => {
    const wide = PlanSchema.parse({ goal: 'wide', maxParallel: 1, steps: ['a', 'b', 'c', 'd', 'e'].map((id) => toolStep(id)) });
    const stats = new Map(['a', 'b', 'c', 'd', 'e'].map((id) => [id, point(1000)]));
    expect(estimateRemaining(wide, () => ({ status: 'pending' }), stats, 0)!.lowMs).toBe(5000);
    expect(estimateRemaining(wide, (id) => (id === 'a' ? { status: 'succeeded' } : { status: 'pending' }), stats, 0, 2)!.lowMs).toBe(2000);
    // Enough slots: the critical path, as before.
    expect(estimateRemaining(wide, () => ({ status: 'pending' }), stats, 0, 5)!.lowMs).toBe(1000);
  });

  it('a step past its expected time counts as nearly done; a paused run keeps its estimate', () => {
    const plan = PlanSchema.parse(PLAN);
    const stats = new Map(Object.entries(DURATIONS).map(([id, ms]) => [id, point(ms)]));
    const progress = (id: string) => (id === 'install' || id === 'lint' ? { status: 'succeeded' as const } : id === 'build' ? { status: 'running' as const, startedAtMs: 0 } : { status: 'pending' as const });
    expect(estimateRemaining(plan, progress, stats, 200_000)).toMatchObject({ lowMs: 20_000, highMs: 20_000, longerThanUsual: ['build'] });
    // Not past its usual time yet (nor just at it): not said to be.
    expect(estimateRemaining(plan, progress, stats, 60_000)!.longerThanUsual).toEqual([]);
    const view = createRunView('run-1', plan);
    view.estimates = { plan, stats };
    view.status = 'paused';
    expect(viewEstimate(view, 0)!.lowMs).toBe(110_000);
  });
});

describe('isSlowerThanUsual', () => {
  it('from three times the median on', () => {
    expect(isSlowerThanUsual(point(40_000), 119_999)).toBe(false);
    expect(isSlowerThanUsual(point(40_000), 120_000)).toBe(true);
    expect(isSlowerThanUsual(undefined, 1e9)).toBe(false);
  });
});
