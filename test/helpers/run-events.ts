import { expect } from 'vitest';
import type { KsaEvent } from './cli.js';

/** Assertions on the NDJSON event stream of `ksa run --json` (contract §2). */

export const EVENT_TYPES = new Set([
  'run_started',
  'step_started',
  'step_output',
  'step_retrying',
  'step_succeeded',
  'step_failed',
  'step_skipped',
  'step_cancelled',
  'run_paused',
  'run_resumed',
  'rollback_started',
  'rollback_step_succeeded',
  'rollback_step_failed',
  'run_finished',
]);

/** Step events carry stepId and attempt. */
export function isStepEvent(event: KsaEvent): boolean {
  return event.type.startsWith('step_') || event.type.startsWith('rollback_step_');
}

/**
 * Every event has a known type, the run's id and an ISO-8601 timestamp (in order);
 * step events have stepId and attempt; run_started comes first and run_finished,
 * with a status, last. Returns the final status.
 */
export function expectWellFormedRun(events: readonly KsaEvent[]): string {
  expect(events.length).toBeGreaterThanOrEqual(2);
  const runId = events[0]!.runId;
  expect(runId).toEqual(expect.any(String));
  expect(runId).not.toBe('');
  let previousTs = '';
  for (const event of events) {
    const where = JSON.stringify(event);
    expect(EVENT_TYPES.has(event.type), `unknown event type: ${where}`).toBe(true);
    expect(event.runId, where).toBe(runId);
    expect(typeof event.ts, where).toBe('string');
    expect(new Date(event.ts).toISOString(), where).toBe(event.ts);
    expect(event.ts >= previousTs, `timestamps go back: ${where}`).toBe(true);
    previousTs = event.ts;
    if (isStepEvent(event)) {
      expect(event.stepId, where).toEqual(expect.any(String));
      expect(event.attempt, where).toEqual(expect.any(Number));
    }
  }
  expect(events[0]!.type).toBe('run_started');
  expect(events.filter((event) => event.type === 'run_started')).toHaveLength(1);
  const last = events.at(-1)!;
  expect(last.type).toBe('run_finished');
  expect(events.filter((event) => event.type === 'run_finished')).toHaveLength(1);
  expect(last.status).toEqual(expect.any(String));
  return last.status!;
}

/** The ids of the steps of the events of one type, in stream order. */
export function stepIdsOf(events: readonly KsaEvent[], type: string): string[] {
  return events.filter((event) => event.type === type).map((event) => event.stepId!);
}

/** The most steps that were running at once, from step_started to the step's end event. */
export function maxConcurrentSteps(events: readonly KsaEvent[]): number {
  const running = new Set<string>();
  let max = 0;
  for (const event of events) {
    if (event.type === 'step_started') running.add(event.stepId!);
    if (['step_succeeded', 'step_failed', 'step_retrying', 'step_cancelled'].includes(event.type)) running.delete(event.stepId!);
    max = Math.max(max, running.size);
  }
  return max;
}
