import { describe, expect, it } from 'vitest';
import { settleEndedOnWorkers, type EndedOnWorkers } from '../../src/cli/ended-on-workers.js';
import type { AttemptEnd } from '../../src/workers/attempt-ends.js';
import { rollbackOnCancel, type Plan, type RunState } from '../../src/planning/index.js';

// How ksa cancel of a dead run records the attempts its workers ran to their end meanwhile (read from their jobs).

const shell = (id: string, extra: Record<string, unknown> = {}) => ({ id, tool: 'shell', args: { command: 'true' }, rollback: { tool: 'shell', args: { command: 'true' } }, dependsOn: [], ...extra });
const plan = (steps: object[]): Plan => ({ goal: 'g', runsOn: ['web'], steps }) as unknown as Plan;
const T = (s: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, s)).toISOString();
const ms = (s: number) => Date.parse(T(s));

function dead(steps: RunState['steps'], completed: string[] = []): RunState {
  return { runId: 'r', goal: 'g', status: 'running', inputs: {}, steps, completed };
}

describe('settleEndedOnWorkers', () => {
  it('a success ends at its worker\'s end, with its output, in the order of completion by that end', () => {
    const state = dead({ a: { status: 'succeeded', attempts: 1, startedAt: T(0), endedAt: T(10) }, late: { status: 'succeeded', attempts: 1, startedAt: T(0), endedAt: T(30) }, b: { status: 'running', attempts: 1, startedAt: T(2), worker: 'w1' } }, ['a', 'late']);
    const ended: EndedOnWorkers = new Map([['b', { attempt: 1, worker: 'w1', startedAtMs: ms(1), endedAtMs: ms(20), ok: true, output: { stdout: 'x' } }]]);
    settleEndedOnWorkers(state, plan([shell('a'), shell('late'), shell('b')]), ended, ms(100));
    expect(state.steps.b).toMatchObject({ status: 'succeeded', startedAt: T(1), endedAt: T(20), output: { stdout: 'x' }, worker: 'w1' });
    expect(state.completed).toEqual(['a', 'b', 'late']);
  });

  it('a failure with attempts left leaves its step waiting for its retry: the cancel ends it, and does not undo what failed', () => {
    const p = plan([shell('b', { retry: { maxAttempts: 3, initialDelayMs: 0, multiplier: 1, maxDelayMs: 0 } })]);
    const state = dead({ b: { status: 'running', attempts: 1, startedAt: T(2), worker: 'w1' } });
    settleEndedOnWorkers(state, p, new Map([['b', { attempt: 1, worker: 'w1', endedAtMs: ms(5), ok: false, error: 'boom', final: false }]]), ms(100));
    expect(state.steps.b).toMatchObject({ status: 'running', retryAt: T(5), error: 'boom' });
    expect(state.failedStepId).toBeUndefined();
    expect(rollbackOnCancel(state, p)).toEqual([]);
  });

  it("a failure the worker's own rules gave is final, whatever attempts are left: the step and the run failed", () => {
    const p = plan([shell('b', { retry: { maxAttempts: 3, initialDelayMs: 0, multiplier: 1, maxDelayMs: 0 } })]);
    const state = dead({ b: { status: 'running', attempts: 1, startedAt: T(2), worker: 'w1' } });
    settleEndedOnWorkers(state, p, new Map([['b', { attempt: 1, worker: 'w1', endedAtMs: ms(5), ok: false, error: 'denied on worker w1 by deny shell', final: true }]]), ms(100));
    expect(state.steps.b).toMatchObject({ status: 'failed', endedAt: T(5) });
    expect(state.error).toBe('step "b" failed: denied on worker w1 by deny shell');
  });

  it("a worker's clock ahead of this one's: never ended later than now", () => {
    const state = dead({ b: { status: 'running', attempts: 1, startedAt: T(2), worker: 'w1' } });
    settleEndedOnWorkers(state, plan([shell('b')]), new Map([['b', { attempt: 1, worker: 'w1', startedAtMs: ms(150), endedAtMs: ms(200), ok: true, output: null }]]), ms(100));
    expect(state.steps.b).toMatchObject({ startedAt: T(100), endedAt: T(100) });
  });

  it('leaves a fan-out, and an attempt other than the one the step is in the middle of, as they were', () => {
    const state = dead({ f: { status: 'running', attempts: 1, worker: 'w1' }, b: { status: 'running', attempts: 2, worker: 'w1' } });
    const p = plan([shell('f', { runsOn: { labels: ['web'], each: true } }), shell('b')]);
    const end = { worker: 'w1', endedAtMs: ms(5), ok: true as const, output: null };
    settleEndedOnWorkers(state, p, new Map([['f', { ...end, attempt: 1 }], ['b', { ...end, attempt: 1 }]]), ms(100));
    expect(state.steps.f!.status).toBe('running');
    expect(state.steps.b!.status).toBe('running');
  });

  describe('a fan-out (one job per worker)', () => {
    const readsOutput = { rollback: { tool: 'shell', args: { command: 'rm {{ steps.f.output.w1.stdout }}' } } };
    const fanOut = (extra: Record<string, unknown> = {}) => plan([shell('a'), shell('f', { runsOn: { labels: ['web'], each: true }, ...extra })]);
    const running = () => dead({ a: { status: 'succeeded', attempts: 1, startedAt: T(0), endedAt: T(30) }, f: { status: 'running', attempts: 1, startedAt: T(2), worker: 'w1,w2' } }, ['a']);
    const part = (worker: string, start: number, end: number, stdout: string) => ({ worker, startedAtMs: ms(start), endedAtMs: ms(end), ok: true as const, output: { stdout } });

    it("every part ended: succeeded at its workers' times (first start, last end), its output each worker's, undone in its place by that end", () => {
      const state = running();
      const p = fanOut(readsOutput);
      settleEndedOnWorkers(state, p, new Map([['f', { attempt: 1, parts: new Map([['w2', part('w2', 3, 20, 'b')], ['w1', part('w1', 2, 12, 'a')]]) }]]), ms(100));
      expect(state.steps.f).toMatchObject({ status: 'succeeded', startedAt: T(2), endedAt: T(20), worker: 'w1,w2', output: { w1: { stdout: 'a' }, w2: { stdout: 'b' } } });
      expect(state.completed).toEqual(['f', 'a']);
      expect(rollbackOnCancel(state, p)).toEqual(['a', 'f']);
    });

    it('a part still running: cut short as before, but where parts succeeded its rollback reading their output runs there', () => {
      const state = running();
      const p = fanOut(readsOutput);
      settleEndedOnWorkers(state, p, new Map([['f', { attempt: 1, parts: new Map<string, AttemptEnd | undefined>([['w1', part('w1', 2, 12, 'a')], ['w2', undefined]]) }]]), ms(100));
      expect(state.steps.f).toMatchObject({ status: 'running', succeededOn: { w1: { stdout: 'a' } } });
      expect(rollbackOnCancel(state, p)).toEqual(['f', 'a']);
    });

    it('a part still running, a rollback that reads nothing of it: undone on every worker that took a part, as a step cut short', () => {
      const state = running();
      const p = fanOut();
      settleEndedOnWorkers(state, p, new Map([['f', { attempt: 1, parts: new Map<string, AttemptEnd | undefined>([['w1', part('w1', 2, 12, 'a')], ['w2', undefined]]) }]]), ms(100));
      expect(state.steps.f!.status).toBe('running');
      expect(state.steps.f!.succeededOn).toBeUndefined();
      expect(rollbackOnCancel(state, p)).toEqual(['f', 'a']);
    });

    it("a worker that took a part whose job Redis no longer has: how it went there is not known, so the step stays cut short", () => {
      const state = running();
      settleEndedOnWorkers(state, fanOut(readsOutput), new Map([['f', { attempt: 1, parts: new Map([['w1', part('w1', 2, 12, 'a')]]) }]]), ms(100));
      expect(state.steps.f).toMatchObject({ status: 'running', succeededOn: { w1: { stdout: 'a' } } });
    });

    it('a part that failed of itself fails the step as a live fan-out fails, undone where its parts succeeded', () => {
      const state = running();
      const p = fanOut(readsOutput);
      const failed = { worker: 'w2', startedAtMs: ms(3), endedAtMs: ms(25), ok: false as const, error: 'command exited with code 3', final: false };
      settleEndedOnWorkers(state, p, new Map([['f', { attempt: 1, parts: new Map<string, AttemptEnd>([['w1', part('w1', 2, 12, 'a')], ['w2', failed]]) }]]), ms(100));
      expect(state.steps.f).toMatchObject({ status: 'failed', endedAt: T(25), succeededOn: { w1: { stdout: 'a' } }, error: 'failed on 1 of 2 workers: w2: command exited with code 3' });
      expect(state.error).toBe('step "f" failed: failed on 1 of 2 workers: w2: command exited with code 3');
      expect(rollbackOnCancel(state, p)).toEqual(['a', 'f']);
    });
  });
});
