import { describe, expect, it } from 'vitest';
import { applyRunEvent, createRunView, durationStats, isWaitingForWorker, PlanSchema, viewEstimate, type RunEvent } from '../../src/planning/index.js';

// The run view's durations, as the summary under ksa run's live view shows them.

const plan = PlanSchema.parse({ goal: 'Train', steps: [{ id: 'train', tool: 'shell', args: { command: 'true' }, runsOn: ['gpu'] }, { id: 'local', tool: 'shell', args: { command: 'true' } }] });
const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds)).toISOString();
const apply = (view: ReturnType<typeof createRunView>, event: Record<string, unknown>) => applyRunEvent(view, { runId: 'r', ...event } as RunEvent);

describe('run view durations', () => {
  it('a step on a worker counts from when a worker took it, not from when it began to wait for one', () => {
    const view = createRunView('r', plan);
    apply(view, { type: 'step_started', stepId: 'train', attempt: 1, ts: at(0) });
    apply(view, { type: 'step_succeeded', stepId: 'train', attempt: 1, ts: at(4), durationMs: 1000, output: null, worker: 'gpu-1' });
    expect(view.steps.get('train')!.durationMs).toBe(1000);
  });

  it('a step that ran here, or was retried, counts every attempt from its first start', () => {
    const view = createRunView('r', plan);
    apply(view, { type: 'step_started', stepId: 'local', attempt: 1, ts: at(0) });
    apply(view, { type: 'step_retrying', stepId: 'local', attempt: 1, ts: at(1), delayMs: 1000, error: 'exit 1' });
    apply(view, { type: 'step_started', stepId: 'local', attempt: 2, ts: at(2) });
    apply(view, { type: 'step_succeeded', stepId: 'local', attempt: 2, ts: at(3), durationMs: 1000, output: null });
    expect(view.steps.get('local')!.durationMs).toBe(3000);
  });
});

describe('run view of a step waiting for a worker', () => {
  it('shows it under way with its waiting line before a worker takes it, then running on that worker', () => {
    const view = createRunView('r', plan);
    apply(view, { type: 'step_output', stepId: 'train', attempt: 1, ts: at(0), stream: 'stderr', line: 'waiting for a worker (labels: gpu)' });
    // Under way but not started: its wait is not its running time.
    expect(view.steps.get('train')).toMatchObject({ status: 'running', attempt: 1, waitingSinceMs: Date.parse(at(0)), lastLine: 'waiting for a worker (labels: gpu)' });
    expect(view.steps.get('train')!.startedAtMs).toBeUndefined();
    expect(isWaitingForWorker(view.steps.get('train')!)).toBe(true);
    expect(view.steps.get('train')!.worker).toBeUndefined();
    apply(view, { type: 'step_started', stepId: 'train', attempt: 1, ts: at(3), worker: 'gpu-1' });
    expect(view.steps.get('train')).toMatchObject({ status: 'running', worker: 'gpu-1', startedAtMs: Date.parse(at(3)), waitingSinceMs: undefined });
  });

  it('one no worker took has no duration: it never started', () => {
    const view = createRunView('r', plan);
    apply(view, { type: 'step_output', stepId: 'train', attempt: 1, ts: at(0), stream: 'stderr', line: 'waiting for a worker (labels: gpu)' });
    apply(view, { type: 'step_failed', stepId: 'train', attempt: 1, ts: at(5), error: 'no worker took it within 5s', timedOut: false });
    expect(view.steps.get('train')).toMatchObject({ status: 'failed', durationMs: undefined, waitingSinceMs: undefined });
  });

  it('the time left counts a waiting step whole, as not yet started', () => {
    const view = createRunView('r', plan);
    apply(view, { type: 'run_started', goal: 'Train', stepCount: 2, resumed: false, ts: at(0) });
    apply(view, { type: 'step_output', stepId: 'train', attempt: 1, ts: at(0), stream: 'stderr', line: 'waiting for a worker (labels: gpu)' });
    view.estimates = { plan: { ...plan, steps: [plan.steps[0]!] }, stats: new Map([['train', durationStats([3000, 3000, 3000])!]]) };
    expect(viewEstimate(view, Date.parse(at(5)))).toMatchObject({ lowMs: 3000, highMs: 3000 });
    apply(view, { type: 'step_started', stepId: 'train', attempt: 1, ts: at(5), worker: 'gpu-1' });
    expect(viewEstimate(view, Date.parse(at(6)))).toMatchObject({ lowMs: 2000, highMs: 2000 });
  });

  it('a retry that waits for a worker is under way again, no longer retrying', () => {
    const view = createRunView('r', plan);
    apply(view, { type: 'step_started', stepId: 'train', attempt: 1, ts: at(0), worker: 'gpu-1' });
    apply(view, { type: 'step_retrying', stepId: 'train', attempt: 1, ts: at(1), delayMs: 1000, error: 'worker gpu-1 was lost', worker: 'gpu-1' });
    apply(view, { type: 'step_output', stepId: 'train', attempt: 2, ts: at(2), stream: 'stderr', line: 'waiting for a worker (labels: gpu)' });
    expect(view.steps.get('train')).toMatchObject({ status: 'running', attempt: 2, retryAtMs: undefined });
    expect(view.steps.get('train')!.worker).toBeUndefined();
  });
});

describe('run view goal', () => {
  it('is the goal the run started with as its events give it (secrets hidden), not the plan text as written', () => {
    const view = createRunView('r', { ...plan, goal: 'Train with ghp_Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe9Dc8' });
    apply(view, { type: 'run_started', ts: at(0), goal: 'Train with ***', stepCount: 2, resumed: false });
    expect(view.goal).toBe('Train with ***');
  });
});
