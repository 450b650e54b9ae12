import { EventEmitter } from 'node:events';
import { Box, render as inkRender } from 'ink';
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { describe, expect, it } from 'vitest';
import { applyRunEvent, createRunView, durationStats, PlanSchema, type PlanInput, type RunEvent, type RunView } from '../../src/planning/index.js';
import { RunPanel } from '../../src/tui/RunPanel.js';
import { RunProgress } from '../../src/tui/RunProgress.js';

// The live run view: one line per step (spinner, status, attempt, elapsed,
// last output line) in dependency order, parallel branches bracketed, and a
// progress bar. (Colours and NO_COLOR are checked in a real terminal: test/cli/tui-terminal.test.ts.)

const PLAN: PlanInput = {
  goal: 'Deploy the shop',
  steps: [
    { id: 'install', tool: 'shell', args: { command: 'npm ci' } },
    { id: 'lint', tool: 'shell', args: { command: 'npm run lint' }, dependsOn: ['install'] },
    { id: 'unit', tool: 'shell', args: { command: 'npm test' }, dependsOn: ['install'], retry: { maxAttempts: 3 } },
    { id: 'types', tool: 'shell', args: { command: 'tsc' }, dependsOn: ['install'] },
    { id: 'deploy', tool: 'shell', args: { command: 'kubectl apply -f k8s' }, dependsOn: ['lint', 'unit', 'types'], rollback: { tool: 'shell', args: { command: 'kubectl delete -f k8s' } } },
  ],
};
const plan = PlanSchema.parse(PLAN);

function view(events: ((at: (msAgo: number) => string) => Omit<RunEvent, 'runId'>)[]): RunView {
  const v = createRunView('run-7', plan);
  const now = Date.now();
  const at = (msAgo: number) => new Date(now - msAgo).toISOString();
  for (const make of events) applyRunEvent(v, { runId: 'run-7', ...make(at) } as RunEvent);
  return v;
}

const started = (stepId: string, msAgo: number, attempt = 1) => (at: (ms: number) => string) => ({ type: 'step_started', stepId, attempt, ts: at(msAgo) }) as const;
const succeeded = (stepId: string, msAgo: number) => (at: (ms: number) => string) => ({ type: 'step_succeeded', stepId, attempt: 1, durationMs: 0, output: {}, ts: at(msAgo) }) as const;

const MID_EVENTS: ((at: (msAgo: number) => string) => Omit<RunEvent, 'runId'>)[] = [
  (at) => ({ type: 'run_started', goal: plan.goal, stepCount: 5, resumed: false, ts: at(5000) }),
  started('install', 5000),
  succeeded('install', 3800),
  started('lint', 3700),
  (at) => ({ type: 'step_output', stepId: 'lint', attempt: 1, stream: 'stdout', line: 'checked 41 files', ts: at(3000) }),
  started('unit', 3700),
  (at) => ({ type: 'step_retrying', stepId: 'unit', attempt: 1, delayMs: 2000, error: 'exit code 1: 2 tests failed', ts: at(500) }),
  started('types', 3700),
  (at) => ({ type: 'step_failed', stepId: 'types', attempt: 1, durationMs: 0, error: "error TS2322: Type 'string' is not assignable", timedOut: false, ts: at(1000) }),
];
const MID_RUN = view(MID_EVENTS);

function frameOf(v: RunView, extra: { maxLines?: number } = {}): string {
  const app = render(<RunPanel view={v} plan={plan} color={false} maxLines={extra.maxLines} />);
  const frame = app.lastFrame() ?? '';
  app.unmount();
  return frame;
}

const lineOf = (frame: string, stepId: string) => frame.split('\n').find((line) => new RegExp(`[─┬├┴] ${stepId} `).test(line)) ?? '';

describe('RunPanel', () => {
  const frame = frameOf(MID_RUN);

  it('titles the panel with the run id and goal', () => {
    expect(frame).toContain('Run run-7 · Deploy the shop');
  });

  it('one line per step, in dependency order', () => {
    const order = frame
      .split('\n')
      .map((line) => /[─┬├┴] (\w+) /.exec(line)?.[1])
      .filter(Boolean);
    expect(order).toEqual(['install', 'lint', 'unit', 'types', 'deploy']);
  });

  it('brackets steps that can run side by side (the parallel branches)', () => {
    expect(lineOf(frame, 'install')).toMatch(/─ install/);
    expect(lineOf(frame, 'lint')).toMatch(/┬ lint/);
    expect(lineOf(frame, 'unit')).toMatch(/├ unit/);
    expect(lineOf(frame, 'types')).toMatch(/┴ types/);
    expect(lineOf(frame, 'deploy')).toMatch(/─ deploy/);
  });

  it('a finished step: its icon, status and duration', () => {
    expect(lineOf(frame, 'install')).toMatch(/✓ ─ install succeeded 1\.2s/);
  });

  it('a running step: a spinner, its elapsed time and the last line of its output', () => {
    const line = lineOf(frame, 'lint');
    expect(line).toMatch(/^│ [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] ┬ lint running 3\.\ds {2}│ checked 41 files/);
  });

  it('a retrying step: its attempt of the maximum, the delay and why', () => {
    // The delay counts down: it was 2 s, half a second ago.
    expect(lineOf(frame, 'unit')).toMatch(/↻ ├ unit retry in 1\.[0-5]s 1\/3 .*│ exit code 1: 2 tests failed/);
  });

  it('a failed step: its error', () => {
    expect(lineOf(frame, 'types')).toMatch(/✗ ┴ types failed 2\.\ds {2}│ error TS2322: Type 'string' is not assignable/);
  });

  it('a waiting step: what it waits for', () => {
    expect(lineOf(frame, 'deploy')).toMatch(/· ─ deploy pending {2}│ after lint, unit, types/);
  });

  it('a progress bar with done/total, running and failed counts and the elapsed time', () => {
    // The failed step is not done: the bar counts the one step that succeeded.
    expect(frame).toMatch(/█{6}░{22} 1\/5 done · 1 running · 1 failed · 5\.\ds/);
    expect(frame).toContain('Esc cancels the run');
  });

  it('rolling back: the step being undone says so', () => {
    const v = view([
      (at) => ({ type: 'run_started', goal: plan.goal, stepCount: 5, resumed: false, ts: at(2000) }),
      started('install', 2000),
      succeeded('install', 1000),
      (at) => ({ type: 'rollback_started', stepIds: ['install'], ts: at(100) }),
    ]);
    const panel = frameOf(v);
    expect(lineOf(panel, 'install')).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] ─ install rolling back/);
    expect(panel).toContain('· rolling back');
  });

  it('a plan longer than maxLines shows only the busy steps and how many are hidden', () => {
    const panel = frameOf(MID_RUN, { maxLines: 3 });
    expect(panel).toContain('lint running');
    expect(panel).toContain('unit retry in');
    expect(panel).not.toContain('install succeeded');
    expect(panel).toContain('… 3 more steps not shown');
  });
});

describe('RunPanel with learned durations', () => {
  it('shows the time left, a running step\'s usual duration, and flags one three times slower than usual', () => {
    const v = view([
      (at) => ({ type: 'run_started', goal: plan.goal, stepCount: 5, resumed: false, ts: at(200_000) }),
      started('install', 200_000),
      succeeded('install', 130_000),
      started('lint', 130_000),
      started('types', 10_000),
    ]);
    const point = (ms: number) => durationStats([ms, ms, ms])!;
    v.estimates = { plan, stats: new Map([['install', point(70_000)], ['lint', point(40_000)], ['types', point(30_000)], ['unit', point(60_000)], ['deploy', point(20_000)]]) };
    const frame = render(<RunPanel view={v} plan={plan} color={false} />).lastFrame()!;
    expect(frame).toMatch(/lint running 2m10s \(slower than usual: 2m10s, usually 40s\)/);
    expect(frame).toMatch(/types running 10s \(usually 30s\)/);
    // unit (60 s, not started) then deploy (20 s): about 1m20s left.
    expect(frame).toMatch(/1\/5 done · 2 running · 3m20s · about 1m20s left/);
  });

  it('paused, the time is left once resumed; rolling back, no time left is shown', () => {
    const point = (ms: number) => durationStats([ms, ms, ms])!;
    const stats = new Map([['install', point(70_000)], ['lint', point(40_000)], ['types', point(30_000)], ['unit', point(60_000)], ['deploy', point(20_000)]]);
    const start = [(at: (ms: number) => string) => ({ type: 'run_started' as const, goal: plan.goal, stepCount: 5, resumed: false, ts: at(20_000) }), started('install', 20_000)];
    const paused = view([...start, (at) => ({ type: 'run_paused', ts: at(100) })]);
    paused.estimates = { plan, stats };
    expect(render(<RunPanel view={paused} plan={plan} color={false} />).lastFrame()).toMatch(/· paused · about 2m10s left once resumed/);
    const app = render(<RunProgress view={paused} color={false} keysHint />);
    expect(app.lastFrame()).toMatch(/· paused · about 2m10s left once resumed/);
    app.unmount();
    const rolling = view([...start, succeeded('install', 1000), (at) => ({ type: 'rollback_started', stepIds: ['install'], ts: at(100) })]);
    rolling.estimates = { plan, stats };
    const frame = render(<RunPanel view={rolling} plan={plan} color={false} />).lastFrame()!;
    expect(frame).toContain('· rolling back');
    expect(frame).not.toMatch(/left/);
  });
});

describe('RunPanel of a paused run', () => {
  it('a step between attempts waits for the resume: it is not among the steps still running, and its retry does not count down', () => {
    const paused = view([...MID_EVENTS, (at) => ({ type: 'run_paused', ts: at(100) })]);
    const frame = frameOf(paused);
    // The panel wraps the line in its border: read it as one.
    const text = frame.replace(/\s*│\s*/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain('paused: no new step starts; still running (they finish): lint; waiting to retry once resumed: unit · /resume goes on');
    expect(lineOf(frame, 'unit')).toContain('retry once resumed');
    expect(lineOf(frame, 'unit')).not.toContain('retry in');
  });
});

describe('RunProgress (ksa run) of a paused run', () => {
  it('says which steps finish and which wait to retry once resumed', () => {
    const paused = view([...MID_EVENTS, (at) => ({ type: 'run_paused', ts: at(100) })]);
    const app = render(<RunProgress view={paused} color={false} keysHint />);
    const frame = app.lastFrame() ?? '';
    app.unmount();
    expect(frame).toContain('paused: no new step starts; still running (they finish): lint; waiting to retry once resumed: unit');
    expect(frame).toMatch(/unit retrying once resumed/);
    expect(frame).toContain('p resumes');
  });
});

describe('RunProgress (ksa run) keys hint', () => {
  const hintOf = (v: RunView, cancelling = false) => {
    const app = render(<RunProgress view={v} color={false} keysHint cancelling={cancelling} />);
    const frame = app.lastFrame() ?? '';
    app.unmount();
    return frame;
  };

  it('running: p pauses and Ctrl-C cancels; after a Ctrl-C, what a second one does; during a rollback, no p', () => {
    expect(hintOf(MID_RUN)).toContain('p pauses · Ctrl-C cancels (finished steps are rolled back)');
    expect(hintOf(MID_RUN, true)).toContain('cancelling (finished steps are rolled back) · Ctrl-C again stops at once');
    const rolling = view([...MID_EVENTS, (at) => ({ type: 'rollback_started', stepIds: ['install'], ts: at(50) })]);
    const frame = hintOf(rolling);
    expect(frame).toContain('rolling back · Ctrl-C twice stops at once');
    expect(frame).not.toContain('p pauses');
    expect(frame).toMatch(/1\/5 done · \d+ running · 1 failed · .*· rolling back/);
  });
});

describe('a running step whose output is wider than the terminal', () => {
  it('keeps its line: spinner, status and elapsed time, the output cut at the edge, never wrapped (ksa run and the chat)', () => {
    const long = view([...MID_EVENTS, (at) => ({ type: 'step_output', stepId: 'lint', attempt: 1, stream: 'stdout', line: 'output '.repeat(40), ts: at(100) })]);
    for (const width of [40, 80]) {
      for (const tree of [<RunProgress view={long} color={false} keysHint />, <RunPanel view={long} plan={plan} color={false} />]) {
        const app = render(<Box width={width}>{tree}</Box>);
        const lines = (app.lastFrame() ?? '').split('\n');
        app.unmount();
        expect(lines.filter((line) => line.length > width)).toEqual([]);
        const lint = lines.filter((line) => / lint running /.test(line));
        expect(lint, lines.join('\n')).toHaveLength(1);
        expect(lint[0]).toMatch(/lint running \d+(\.\d)?s {2}│ output/);
        expect(lint[0]).toMatch(/…\s*│?$/);
      }
    }
  });
});

describe('RunProgress (ksa run) in a short terminal', () => {
  it('shows as many running steps as fit under the terminal height and counts the rest, so the frame is redrawn in place', () => {
    const wide = PlanSchema.parse({ goal: 'Many at once', steps: Array.from({ length: 20 }, (_, i) => ({ id: `s${i}`, tool: 'sleep', args: { ms: 1000 } })) });
    const v = createRunView('run-8', wide);
    const ts = new Date().toISOString();
    applyRunEvent(v, { type: 'run_started', runId: 'run-8', goal: wide.goal, stepCount: 20, resumed: false, ts });
    for (let i = 0; i < 20; i++) applyRunEvent(v, { type: 'step_started', runId: 'run-8', stepId: `s${i}`, attempt: 1, ts });
    for (const [rows, steps] of [[12, 5], [40, 12]] as const) {
      const stdout = Object.assign(new EventEmitter(), { columns: 80, rows, frames: [] as string[], write(frame: string) { stdout.frames.push(frame); } });
      const app = inkRender(<RunProgress view={v} color={false} keysHint />, { stdout: stdout as unknown as NodeJS.WriteStream, debug: true, patchConsole: false });
      const frame = stdout.frames.at(-1) ?? '';
      app.unmount();
      expect(frame.split('\n').filter((line) => / s\d+ running/.test(line))).toHaveLength(steps);
      expect(frame).toContain(`… and ${20 - steps} more running`);
      expect(frame.trimEnd().split('\n').length).toBeLessThan(rows);
    }
  });
});

describe('the progress line of a run that ended cancelled or failed', () => {
  // The plan of a `ksa run` cancelled with Ctrl-C while its second step ran: the first is undone.
  const chain = PlanSchema.parse({
    goal: 'A chain',
    steps: [
      { id: 'a', tool: 'shell', args: { command: 'echo a' }, rollback: { tool: 'shell', args: { command: 'echo undo' } } },
      { id: 'b', tool: 'shell', args: { command: 'sleep 4' }, dependsOn: ['a'] },
      { id: 'c', tool: 'shell', args: { command: 'echo c' }, dependsOn: ['b'] },
    ],
  });
  const ended = (outcome: 'cancelled' | 'failed'): RunView => {
    const v = createRunView('run-9', chain);
    const ts = new Date().toISOString();
    const at = { runId: 'run-9', ts };
    const events: RunEvent[] = [
      { ...at, type: 'run_started', goal: chain.goal, stepCount: 3, resumed: false },
      { ...at, type: 'step_started', stepId: 'a', attempt: 1 },
      { ...at, type: 'step_succeeded', stepId: 'a', attempt: 1, durationMs: 40, output: {} },
      { ...at, type: 'step_started', stepId: 'b', attempt: 1 },
      outcome === 'failed' ? { ...at, type: 'step_failed', stepId: 'b', attempt: 1, durationMs: 900, error: 'exit code 1', timedOut: false } : { ...at, type: 'step_cancelled', stepId: 'b', attempt: 1 },
      { ...at, type: 'step_cancelled', stepId: 'c', attempt: 0 },
      { ...at, type: 'rollback_started', stepIds: ['a'] },
      { ...at, type: 'rollback_step_succeeded', stepId: 'a', attempt: 1 },
      { ...at, type: 'run_finished', status: outcome, durationMs: 1400 },
    ];
    for (const event of events) applyRunEvent(v, event);
    return v;
  };
  const progressLine = (tree: ReactElement) => {
    const app = render(tree);
    const line = (app.lastFrame() ?? '').split('\n').find((text) => text.includes(' done')) ?? '';
    app.unmount();
    return line;
  };

  it('counts as done only the steps whose work stands, and names the cancelled, failed and rolled-back ones as the summary does (ksa run and the chat)', () => {
    const cancelled = ended('cancelled');
    const failed = ended('failed');
    expect(progressLine(<RunProgress view={cancelled} color={false} />)).toMatch(/^░{24} 0\/3 done · 2 cancelled · 1 rolled back · /);
    expect(progressLine(<RunProgress view={failed} color={false} />)).toMatch(/^░{24} 0\/3 done · 1 failed · 1 cancelled · 1 rolled back · /);
    expect(progressLine(<RunPanel view={cancelled} plan={chain} color={false} />)).toMatch(/░{28} 0\/3 done · 2 cancelled · 1 rolled back · /);
  });

  it('while the run goes on, the steps running are counted, a finished step fills the bar and a failed one does not', () => {
    const v = createRunView('run-9', chain);
    const ts = new Date().toISOString();
    applyRunEvent(v, { type: 'run_started', runId: 'run-9', goal: chain.goal, stepCount: 3, resumed: false, ts });
    applyRunEvent(v, { type: 'step_started', runId: 'run-9', stepId: 'a', attempt: 1, ts });
    applyRunEvent(v, { type: 'step_succeeded', runId: 'run-9', stepId: 'a', attempt: 1, durationMs: 40, output: {}, ts });
    applyRunEvent(v, { type: 'step_started', runId: 'run-9', stepId: 'b', attempt: 1, ts });
    expect(progressLine(<RunProgress view={v} color={false} />)).toMatch(/^█{8}░{16} 1\/3 done · 1 running · /);
    applyRunEvent(v, { type: 'step_failed', runId: 'run-9', stepId: 'b', attempt: 1, durationMs: 900, error: 'exit code 1', timedOut: false, ts });
    expect(progressLine(<RunProgress view={v} color={false} />)).toMatch(/^█{8}░{16} 1\/3 done · 0 running · 1 failed · /);
  });
});
