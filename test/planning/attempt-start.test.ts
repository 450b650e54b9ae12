import { describe, expect, it } from 'vitest';
import { AttemptStart } from '../../src/planning/attempt-start.js';
import type { StepState } from '../../src/planning/index.js';

/** An attempt placed on workers under a clock the test moves. */
function placed(at: { ms: number }) {
  const st = { status: 'running', attempts: 1 } as unknown as StepState;
  const start = new AttemptStart({ clock: { now: () => at.ms, setTimer: () => () => {} }, st, attempt: 1, placed: true, iso: (ms) => new Date(ms).toISOString(), finished: () => false, emitStarted: () => {} });
  return { st, start };
}

describe('an attempt on a worker whose end is heard late', () => {
  it('ends as long after its heard start as its worker measured, on a worker clock an hour off', () => {
    const at = { ms: 1_000_000 };
    const { start } = placed(at);
    start.tookBy('w1');
    at.ms += 12_000;
    // The worker's clock is an hour ahead; it ran the attempt for 4 s.
    start.tookBy('w1', { startedAtMs: 1_000_000 + 3_600_000, endedAtMs: 1_004_000 + 3_600_000, live: true });
    expect(start.startMs).toBe(1_000_000);
    expect(start.endMs() - start.startMs).toBe(4_000);
  });

  it('never ends after now, whatever the worker says', () => {
    const at = { ms: 5_000 };
    const { start } = placed(at);
    start.tookBy('w1');
    at.ms += 1_000;
    start.tookBy('w1', { startedAtMs: 0, endedAtMs: 60_000, live: true });
    expect(start.endMs()).toBe(6_000);
  });
});
