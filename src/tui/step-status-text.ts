import type { DurationStats } from '../planning/estimate.js';
import { nextAttemptText, waitsForRetry, waitsForWorker } from '../planning/paused-text.js';
import { workerLabelsOf } from '../planning/placement.js';
import type { Step } from '../planning/schema.js';
import type { StepState } from '../planning/state.js';
import type { RunRecord } from '../store/run-record.js';
import { logWrittenAt, readLogTail } from '../store/step-logs.js';
import { saysWaitingForWorker, waitingForWorker } from '../workers/step-messages.js';
import { expectationText } from './estimate-text.js';
import { formatDuration } from './run-view-model.js';
import { plainText } from './visible-text.js';
import { waitingText } from './waiting-text.js';

/** A step no worker took yet: its waiting line, and when it was queued (a record from before that: when its log got the line). */
export type WaitingStep = { readonly line: string; readonly since?: string };

export type StoredStepContext = {
  /** The run's status as inspected (a run whose process is gone reads `interrupted`). */
  readonly runStatus: string;
  /** A live process runs the run. */
  readonly owned: boolean;
  readonly waiting?: WaitingStep;
  /** What earlier runs say of the step; given only while a process runs it. */
  readonly stats?: DurationStats;
  readonly now: number;
};

/**
 * A stored step's status and detail as `ksa status` and the chat's `/status` both say them: interrupted, retrying
 * or waiting where the record's `running` means that, and the detail (its error, why it was skipped, "cut short
 * after …", "; rolled back" for one undone without having succeeded, what a resume does, a failed rollback).
 */
export function storedStepText(step: Step, st: StepState, context: StoredStepContext): { readonly status: string; readonly detail: string } {
  const { runStatus, owned, waiting, stats, now } = context;
  const orphaned = runStatus === 'paused' && !owned;
  // Between attempts nothing of the step runs: it waits for its retry (paused, or its process gone: for the resume).
  const retrying = waitsForRetry(st);
  // Held by the pause, its job off the queue: it never started, and waits for the resume.
  const stopped = runStatus === 'interrupted' || (orphaned && !waitsForWorker(st));
  let detail = st.status === 'failed' || retrying ? (st.error ?? '') : st.status === 'skipped' ? (st.skipReason ?? '') : '';
  // Cancelled after an attempt had failed (waiting for its retry): why that one failed is still said.
  if (st.status === 'cancelled' && st.error) detail = `last failure: ${st.error}`;
  // Its process died while it ran: the cancel that came later found it stopped there (one waiting for its retry ran nothing then).
  if (st.status === 'cancelled' && st.cutShortAt !== undefined && st.interruptedAttempt !== undefined) detail = `cut short after ${between(st.startedAt, st.cutShortAt)} (the process running it died)`;
  // Not succeeded, yet undone (what an attempt cut short may have done, a fan-out's parts that succeeded): said, or it reads as left in place.
  if (st.rollback?.status === 'succeeded' && st.status !== 'rolled_back') detail = detail ? `${detail}; rolled back` : 'rolled back';
  if (retrying && stopped) detail = `waiting for its retry: ${nextAttemptText(step, st)} on resume${detail ? ` \u00b7 ${detail}` : ''}`;
  if (st.rollback?.status === 'failed') detail = `rollback failed: ${st.rollback.error}`;
  // Its rollback was under way when the process went: it may be undone, and a resume runs it again.
  else if (st.rollbackStartedAt !== undefined && stopped) detail = 'rollback cut short: may be undone; runs again on resume';
  // No worker took it yet: it has not started, and its time is its wait (from its waiting line).
  if (waiting) {
    const { head, tail } = waitingText(waiting.line, waiting.since === undefined ? undefined : now - Date.parse(waiting.since));
    detail ||= head + tail;
  }
  if (st.status === 'running' && !retrying && !stopped && st.startedAt) detail ||= expectationText(stats, now - Date.parse(st.startedAt))?.text ?? '';
  // Stopped, nothing retries it: it is interrupted, and its detail says what resume does (its next attempt).
  const status = stopped && st.status === 'running' ? 'interrupted' : retrying ? 'retrying' : waiting ? 'waiting' : st.status;
  return { status, detail: plainText(detail) };
}

/**
 * Steps no worker has taken yet, with what their log says (`waiting for a worker (labels: gpu)`, as the
 * live view shows): a running step the record says is queued (or, in a record from before that was kept,
 * one without a worker whose log ends with that line). Only a run sent to workers that runs or is paused has them.
 */
export async function stepsWaitingForWorkers(logDir: string, record: RunRecord, runStatus: string): Promise<Map<string, WaitingStep>> {
  if (record.redis === undefined || (runStatus !== 'running' && runStatus !== 'paused')) return new Map();
  const candidates = record.plan.steps.filter((step) => {
    const st = record.state.steps[step.id];
    return st?.status === 'running' && st.retryAt === undefined && (st.waitingSince !== undefined || st.worker === undefined);
  });
  const found = await Promise.all(
    candidates.map(async (step) => {
      const queued = record.state.steps[step.id]?.waitingSince;
      const last = (await readLogTail(logDir, step.id, 1))[0]?.replace(/^\[stderr\] /, '');
      const says = last !== undefined && saysWaitingForWorker(last);
      if (!says && queued === undefined) return [];
      // Queued behind busy workers that offer its labels it said nothing (it says it waits when no live worker could take it), yet it waits.
      const line = says ? last : waitingForWorker(workerLabelsOf(step, record.plan), '');
      // It waits since it was queued (recorded), not since its last line: a pause that held it wrote one then.
      return [[step.id, { line, since: queued ?? (await logWrittenAt(logDir, step.id)) }]] as const;
    }),
  );
  return new Map(found.flat());
}

function between(start: string | undefined, end: string | undefined): string {
  if (!start) return '\u2013';
  return formatDuration((end ? Date.parse(end) : Date.now()) - Date.parse(start));
}
