import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/planning/index.js';
import { Harness, runPlan, toolStep } from '../helpers/run-plan.js';
import { seededRandom } from '../helpers/random.js';
import { EVENT_TYPES } from '../helpers/run-events.js';

/** A plan that exercises most event types: parallel steps, retries with jitter, a skip, output, a failure and rollback. */
const busyPlan = {
  goal: 'events',
  steps: [
    toolStep('a', [], { retry: { maxAttempts: 3, initialDelayMs: 100 }, rollback: { tool: 'undo', args: {} } }),
    toolStep('b', [], { retry: { maxAttempts: 3, initialDelayMs: 70 }, rollback: { tool: 'undo', args: {} } }),
    toolStep('skip', ['a'], { when: 'false' }),
    toolStep('c', ['a', 'b'], { rollback: { tool: 'undo', args: {} } }),
    toolStep('d', ['c', 'skip']),
    toolStep('slow', []),
  ],
};
const busyTools = {
  steps: {
    a: { ms: 10, failTimes: 2, lines: [{ line: 'building…' }, { line: 'warn', stream: 'stderr' as const, atMs: 3 }] },
    b: { ms: 15, failTimes: 1 },
    c: { ms: 5, lines: [{ line: 'ok' }] },
    d: { ms: 5, fail: true },
    slow: { hang: true },
  },
  rollbacks: { b: { fail: true, lines: [{ line: 'undoing b' }] } },
};

describe('executor: events', () => {
  it('every step event has runId, an ISO ts, stepId and a numeric attempt; all types are contract types', async () => {
    const { h } = await runPlan(busyPlan, { random: seededRandom(1), tools: busyTools });
    const types = new Set(h.events.map((e) => e.type));
    for (const t of ['run_started', 'step_started', 'step_output', 'step_retrying', 'step_succeeded', 'step_failed', 'step_skipped', 'step_cancelled', 'rollback_started', 'rollback_step_succeeded', 'rollback_step_failed', 'run_finished']) {
      expect(types, t).toContain(t);
    }
    for (const event of h.events) {
      expect(EVENT_TYPES.has(event.type)).toBe(true);
      expect(event.runId).toBe('run-1');
      expect(typeof event.ts).toBe('string');
      expect(new Date(event.ts).toISOString()).toBe(event.ts);
      if (event.type.startsWith('step_') || event.type.startsWith('rollback_step_')) {
        const step = event as Extract<RunEvent, { stepId: string }>;
        expect(typeof step.stepId).toBe('string');
        expect(Number.isInteger(step.attempt)).toBe(true);
      }
    }
  });

  it('timestamps never go backwards and the run is bracketed by run_started … run_finished', async () => {
    const { h } = await runPlan(busyPlan, { random: seededRandom(2), tools: busyTools });
    const times = h.events.map((e) => Date.parse(e.ts));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    expect(h.events[0]!.type).toBe('run_started');
    expect(h.events.at(-1)!.type).toBe('run_finished');
    expect(h.of('run_started')[0]).toMatchObject({ goal: 'events', stepCount: 6, resumed: false });
  });

  it('run_finished carries the final status and duration', async () => {
    const ok = await runPlan({ goal: 'g', steps: [toolStep('a')] }, { tools: { steps: { a: { ms: 42 } } } });
    expect(ok.h.of('run_finished')).toEqual([expect.objectContaining({ status: 'succeeded', durationMs: 42 })]);
    expect(ok.h.of('run_finished')[0]).not.toHaveProperty('error');

    const bad = await runPlan(busyPlan, { random: seededRandom(3), tools: busyTools });
    expect(bad.h.of('run_finished')[0]).toMatchObject({ status: 'rollback_failed', failedStepId: 'd' });
    expect(bad.state.status).toBe('rollback_failed');
  });

  it('step_output events carry the line, the stream and the attempt, also during rollback', async () => {
    const { h } = await runPlan(busyPlan, { random: seededRandom(4), tools: busyTools });
    const out = h.of('step_output').map((e) => [e.stepId, e.attempt, e.stream, e.line, h.at(e)]);
    expect(out).toContainEqual(['a', 1, 'stdout', 'building…', 0]);
    expect(out).toContainEqual(['a', 1, 'stderr', 'warn', 3]);
    expect(out).toContainEqual(['a', 3, 'stdout', 'building…', expect.any(Number)]);
    expect(out).toContainEqual(['c', 1, 'stdout', 'ok', expect.any(Number)]);
    expect(out).toContainEqual(['b', 2, 'stdout', 'undoing b', expect.any(Number)]);
  });

  it('step_succeeded carries the output and the duration of the last attempt', async () => {
    const { h } = await runPlan({ goal: 'g', steps: [toolStep('a', [], { retry: { maxAttempts: 2, initialDelayMs: 50 } })] }, {
      tools: { steps: { a: { ms: 20, failTimes: 1, output: { v: 1 } } } },
    });
    expect(h.of('step_succeeded')).toEqual([expect.objectContaining({ stepId: 'a', attempt: 2, durationMs: 20, output: { v: 1 } })]);
  });

  it('the same plan with the same seed gives the identical event sequence', async () => {
    const once = async () => (await runPlan(busyPlan, { random: seededRandom(42), tools: busyTools })).h.events;
    const first = await once();
    const second = await once();
    expect(second).toEqual(first);
    expect(first.length).toBeGreaterThan(20);
  });

  it('a different seed changes the jittered delays', async () => {
    const run = async (seed: number) => (await runPlan(busyPlan, { random: seededRandom(seed), tools: busyTools })).h.of('step_retrying').map((e) => e.delayMs);
    expect(await run(1)).not.toEqual(await run(99));
  });
});

describe('executor: state', () => {
  it('is a plain serialisable object at the end of a run', async () => {
    const { state } = await runPlan(busyPlan, { random: seededRandom(5), tools: busyTools });
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(structuredClone(state)).toEqual(state);
  });

  it('is serialisable in the middle of a run, and the run’s final state is the same object', async () => {
    const h = new Harness(busyPlan, { random: seededRandom(6), tools: busyTools });
    const snapshots: unknown[] = [];
    h.clock.at(12, () => snapshots.push(JSON.parse(JSON.stringify(h.execution.state))));
    h.clock.at(12, () => expect(JSON.parse(JSON.stringify(h.execution.state))).toEqual(h.execution.state));
    const state = await h.run();
    expect(state).toBe(h.execution.state);
    expect(snapshots).toHaveLength(1);
    expect((snapshots[0] as { status: string }).status).toBe('running');
  });

  it('records start/end times, attempts and statuses of every step', async () => {
    const { state, h } = await runPlan(busyPlan, { random: () => 0, tools: busyTools });
    const iso = (ms: number) => new Date(h.clock.epochMs + ms).toISOString();
    expect(state.startedAt).toBe(iso(0));
    expect(state.endedAt).toBe(iso(h.clock.elapsed));
    expect(state.steps.a).toMatchObject({ status: 'rolled_back', attempts: 3, startedAt: iso(0) });
    expect(state.steps.b).toMatchObject({ status: 'succeeded', attempts: 2, rollback: { status: 'failed' } });
    expect(state.steps.skip).toMatchObject({ status: 'skipped', attempts: 0 });
    expect(state.steps.d).toMatchObject({ status: 'failed', attempts: 1 });
    expect(state.steps.slow).toMatchObject({ status: 'cancelled', attempts: 1 });
    expect(Object.keys(state.steps)).toEqual(['a', 'b', 'skip', 'c', 'd', 'slow']);
  });
});
