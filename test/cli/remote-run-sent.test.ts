import { describe, expect, it } from 'vitest';
import { initialRunState } from '../../src/planning/index.js';
import { mayUseWorkers, sentToWorkers } from '../../src/cli/remote-run.js';

// Whether going on with a run needs the Redis its steps went through: a run done here alone needs none.

const record = (steps: Record<string, object> = {}, extra: object = {}) => {
  const state = initialRunState('r1', 'g', ['a', 'b'], {});
  for (const [id, st] of Object.entries(steps)) Object.assign(state.steps[id]!, st);
  return { state, plan: { goal: 'g', steps: [{ id: 'a', tool: 'shell', args: { command: 'true' } }, { id: 'b', tool: 'shell', args: { command: 'true' } }] }, ...extra } as unknown as Parameters<typeof mayUseWorkers>[0];
};

describe('a run sent to workers', () => {
  it('is one with a Redis recorded, a step a worker ran, or a step queued for workers that none took yet', () => {
    expect(sentToWorkers(record())).toBe(false);
    expect(mayUseWorkers(record())).toBe(false);
    expect(sentToWorkers(record({}, { redis: 'redis://127.0.0.1:6379/0' }))).toBe(true);
    expect(sentToWorkers(record({ a: { status: 'succeeded', worker: 'box-1' } }))).toBe(true);
    // A `ksa resume --redis` killed while the step waited: its job is still queued there.
    expect(sentToWorkers(record({ b: { status: 'running', waitingSince: '2026-12-07T10:00:00.000Z' } }))).toBe(true);
    expect(mayUseWorkers(record({ b: { status: 'running', waitingSince: '2026-12-07T10:00:00.000Z' } }))).toBe(true);
  });
});
