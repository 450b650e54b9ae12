import { render } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyRunEvent, createRunView, durationStats, PlanSchema, type RunEvent, type RunView } from '../../src/planning/index.js';
import { RunPanel } from '../../src/tui/RunPanel.js';
import { RunProgress } from '../../src/tui/RunProgress.js';

// The live view of a step waiting for a worker: it is under way but has not started, so its time is its wait
// (no usual duration, never "slower than usual"), the time left counts it whole, and its running clock starts
// when a worker takes it.

const plan = PlanSchema.parse({
  goal: 'Train',
  steps: [
    { id: 'train', tool: 'shell', args: { command: 'python train.py' }, runsOn: ['gpu'] },
    { id: 'tune', tool: 'shell', args: { command: 'python tune.py' }, runsOn: ['gpu'], retry: { maxAttempts: 2 } },
  ],
});
const WAITING = 'waiting for a worker (labels: gpu)';

function viewOf(events: ((at: (msAgo: number) => string) => Omit<RunEvent, 'runId'>)[], stepIds: readonly string[] = ['train']): RunView {
  const v = createRunView('run-9', plan);
  const now = Date.now();
  const at = (msAgo: number) => new Date(now - msAgo).toISOString();
  applyRunEvent(v, { runId: 'run-9', type: 'run_started', goal: plan.goal, stepCount: 2, resumed: false, ts: at(5000) } as RunEvent);
  for (const make of events) applyRunEvent(v, { runId: 'run-9', ...make(at) } as RunEvent);
  // Both usually take 3.1 s: one waiting 4.8 s is not "slower than usual", it has not started.
  const point = durationStats([3100, 3100, 3100])!;
  v.estimates = { plan: { ...plan, steps: plan.steps.filter((step) => stepIds.includes(step.id)) }, stats: new Map([['train', point], ['tune', point]]) };
  return v;
}

const waits = (stepId: string, msAgo: number, attempt = 1) => (at: (ms: number) => string) => ({ type: 'step_output', stepId, attempt, stream: 'stderr', line: WAITING, ts: at(msAgo) }) as const;

function frame(tree: React.ReactElement): string {
  const app = render(tree);
  const text = app.lastFrame() ?? '';
  app.unmount();
  return text;
}

describe('the live view of a step waiting for a worker', () => {
  // The view reads the time from Date.now: held still, the times shown are exact.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.UTC(2026, 0, 1, 12));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows its wait, not a running clock or a usual duration, and the time left counts it whole', () => {
    const v = viewOf([waits('train', 4800)]);
    const text = frame(<RunProgress view={v} color={false} />);
    expect(text).toMatch(/train waiting for a worker 4\.8s \(labels: gpu\)/);
    expect(text).not.toMatch(/running 4|usually|slower than usual/);
    expect(text).toMatch(/0\/2 done · 0 running · 1 waiting for a worker · .* · about 3\.1s left/);
    const panel = frame(<RunPanel view={v} plan={plan} color={false} />);
    expect(panel).toMatch(/train waiting for a worker 4\.8s \(labels: gpu\)/);
    expect(panel).not.toMatch(/usually|slower than usual/);
  });

  it('starts its running clock when a worker takes it', () => {
    const v = viewOf([waits('train', 4800), (at) => ({ type: 'step_started', stepId: 'train', attempt: 1, worker: 'gpu-1', ts: at(1000) })]);
    const text = frame(<RunProgress view={v} color={false} />);
    expect(text).toMatch(/train running on gpu-1 1\.0s \(usually 3\.1s\)/);
    expect(text).toMatch(/1 running · .* · about 2\.1s left/);
  });

  it('a retry waiting for a worker is not "slower than usual", and counts whole in the time left', () => {
    const v = viewOf(
      [
        (at) => ({ type: 'step_started', stepId: 'tune', attempt: 1, worker: 'gpu-1', ts: at(30_000) }),
        (at) => ({ type: 'step_retrying', stepId: 'tune', attempt: 1, delayMs: 1000, error: 'worker gpu-1 was lost', worker: 'gpu-1', ts: at(21_000) }),
        waits('tune', 20_000, 2),
      ],
      ['tune'],
    );
    const text = frame(<RunProgress view={v} color={false} />);
    expect(text).toMatch(/tune waiting for a worker 20s attempt 2\/2 \(labels: gpu\)/);
    expect(text).not.toMatch(/usually|slower than usual/);
    expect(text).toMatch(/about 3\.1s left/);
  });

  it('paused, it is held, not running', () => {
    const v = viewOf([waits('train', 4800), (at) => ({ type: 'run_paused', ts: at(100) })]);
    expect(frame(<RunProgress view={v} color={false} />)).toContain('paused: no new step starts; waiting for a worker, held until resumed: train');
  });
});
