import { estimateRemaining, type DurationStats, type RunEstimate } from './estimate.js';
import type { RunEvent } from './events.js';
import type { Plan } from './schema.js';
import { isStepDone, type RunState, type RunStatus, type StepStatus } from './state.js';

/**
 * A projection of the event stream for progress views (CLI, chat, tests): one
 * object, updated in place per event, so large plans stay cheap.
 */

/** What a progress view shows of one step, folded from run events. */
export type StepView = {
  readonly id: string;
  status: StepStatus | 'retrying';
  attempt: number;
  maxAttempts: number;
  startedAtMs?: number;
  endedAtMs?: number;
  /** Sum of the attempts' durations when finished. */
  durationMs?: number;
  lastLine?: string;
  error?: string;
  retryDelayMs?: number;
  /** When the retry is due (epoch ms), for a countdown. */
  retryAtMs?: number;
  skipReason?: string;
  /** `worker`: where it ran, when the step ran on workers (for a failed or cancelled fan-out, where it had succeeded). */
  rollback?: { status: 'succeeded' | 'failed'; error?: string; worker?: string };
  /** The worker running (or that ran) the attempt, when the run uses workers. */
  worker?: string;
  /**
   * Set while the attempt waits for a worker to take it (epoch ms it began to wait): it is under way but has not
   * started, so it has no running clock (a retry's keeps its first attempt's start), and the estimate counts it whole.
   */
  waitingSinceMs?: number;
};

/** Whether the step's attempt waits for a worker to take it (it has not started). */
export function isWaitingForWorker(step: StepView): boolean {
  return step.status === 'running' && step.waitingSinceMs !== undefined;
}

export type RunView = {
  runId: string;
  goal: string;
  status: RunStatus;
  startedAtMs?: number;
  endedAtMs?: number;
  durationMs?: number;
  error?: string;
  failedStepId?: string;
  rollbackStepIds: string[];
  /** Plan order. */
  readonly order: readonly string[];
  readonly steps: Map<string, StepView>;
  /** Finished steps and rollback results in the order they happened (append-only, for Ink's Static). */
  readonly log: RunLogEntry[];
  /** The step whose rollback is running now. */
  rollingBack?: string;
  /** Bumped on every change so views can memoise cheaply. */
  version: number;
  /** Learned step durations, when there are any: the view shows time left and expected durations. */
  estimates?: { readonly plan: Plan; readonly stats: ReadonlyMap<string, DurationStats>; readonly maxParallel?: number };
};

/** What is left of a retrying step's delay at `now`: 0 once it is due (the delay itself when its start is unknown). */
export function retryLeftMs(step: StepView, now: number): number | undefined {
  return step.retryAtMs === undefined ? step.retryDelayMs : Math.max(0, step.retryAtMs - now);
}

/** The run's time left at `now`, from its learned durations (undefined without them). */
export function viewEstimate(view: RunView, now: number): RunEstimate | undefined {
  if (!view.estimates || (view.status !== 'running' && view.status !== 'paused')) return undefined;
  // A step waiting for a worker has not started: it counts as still to run, its whole expected time.
  const progress = (id: string) => {
    const step = view.steps.get(id);
    return step && isWaitingForWorker(step) ? { status: 'pending' as const } : step;
  };
  return estimateRemaining(view.estimates.plan, progress, view.estimates.stats, now, view.estimates.maxParallel);
}

export type RunLogEntry = { readonly key: string; readonly stepId: string; readonly kind: 'finished' | 'rollback' };

/** The view of a plan's run before its first event: every step pending. */
export function createRunView(runId: string, plan: Plan): RunView {
  const steps = plan.steps.map((step) => ({ id: step.id, maxAttempts: step.type === 'condition' ? 1 : (step.retry?.maxAttempts ?? 1) }));
  const goal = plan.goal;
  return {
    runId,
    goal,
    status: 'pending',
    rollbackStepIds: [],
    order: steps.map((step) => step.id),
    steps: new Map(steps.map((step) => [step.id, { id: step.id, status: 'pending', attempt: 0, maxAttempts: step.maxAttempts }])),
    log: [],
    version: 0,
  };
}

/** Shows the steps a resumed run had already finished before this process took it over. */
export function seedRunView(view: RunView, state: RunState, options: { readonly keepEnded?: boolean } = {}): void {
  const rolledBackBefore: string[] = [];
  for (const [id, st] of Object.entries(state.steps)) {
    const step = view.steps.get(id);
    // Failed, cancelled and rolled back steps run again when a run resumes; when it is only rolled back (`ksa cancel`
    // of an interrupted run, keepEnded) they stay as they ended, and the summary says so rather than "pending".
    const ended = isStepDone(st.status) || (options.keepEnded === true && (st.status === 'failed' || st.status === 'cancelled' || st.status === 'rolled_back'));
    if (!step || !ended) continue;
    step.status = st.status;
    step.attempt = st.attempts;
    if (st.startedAt && st.endedAt) step.durationMs = Date.parse(st.endedAt) - Date.parse(st.startedAt);
    if (st.skipReason) step.skipReason = st.skipReason;
    if (st.error) step.error = st.error;
    if (options.keepEnded === true && st.rollback) {
      step.rollback = st.rollback.status === 'failed' ? { status: 'failed', error: st.rollback.error } : { status: 'succeeded' };
      rolledBackBefore.push(id);
    }
  }
  // Rolled back before the stop: the rollback this process finishes counts them too.
  view.rollbackStepIds = [...new Set([...view.rollbackStepIds, ...rolledBackBefore])];
  view.version++;
}

/** Applies one event in place (views are long-lived and large plans must stay cheap: output lines only set a field). */
export function applyRunEvent(view: RunView, event: RunEvent): void {
  view.version++;
  switch (event.type) {
    case 'run_started':
      view.status = 'running';
      // As the run's events give it: its secrets hidden (the plan's goal is the user's text as written).
      view.goal = event.goal;
      view.startedAtMs ??= Date.parse(event.ts);
      return;
    case 'run_paused':
      view.status = 'paused';
      return;
    case 'run_resumed':
      view.status = 'running';
      return;
    case 'rollback_started':
      // A paused run that is cancelled is rolled back, not paused.
      if (view.status === 'paused') view.status = 'running';
      // Steps rolled back before a stop (seeded) stay counted; the rest of the rollback follows them.
      view.rollbackStepIds = [...view.rollbackStepIds.filter((id) => !event.stepIds.includes(id)), ...event.stepIds];
      view.rollingBack = event.stepIds[0];
      return;
    case 'run_finished':
      view.status = event.status;
      view.endedAtMs = Date.parse(event.ts);
      view.durationMs = event.durationMs;
      view.error = event.error;
      view.failedStepId = event.failedStepId;
      view.rollingBack = undefined;
      return;
  }
  const step = view.steps.get(event.stepId);
  if (!step) return;
  switch (event.type) {
    case 'step_started':
      startAttempt(step, event.attempt, event.ts);
      step.worker = event.worker;
      return;
    case 'step_output':
      // A step placed on workers starts when one takes it: before, its line says it waits, and it shows as under way,
      // waiting, its clock not started.
      if (step.status === 'pending' || (step.status === 'retrying' && event.attempt > step.attempt)) {
        step.status = 'running';
        step.attempt = event.attempt;
        step.retryDelayMs = undefined;
        step.retryAtMs = undefined;
        step.waitingSinceMs = Date.parse(event.ts);
        step.worker = undefined;
      }
      step.lastLine = event.line;
      return;
    case 'step_retrying':
      step.waitingSinceMs = undefined;
      step.status = 'retrying';
      step.error = event.error;
      step.retryDelayMs = event.delayMs;
      step.retryAtMs = Date.parse(event.ts) + event.delayMs;
      return;
    case 'step_succeeded':
    case 'step_failed': {
      const ms = Date.parse(event.ts);
      step.waitingSinceMs = undefined;
      step.status = event.type === 'step_succeeded' ? 'succeeded' : 'failed';
      step.endedAtMs = ms;
      // Every attempt counts, from the first start; but a step on a worker starts when a worker takes it, not
      // when it began to wait for one (its event's duration), as ksa status and the live line count it.
      const fromEvent = step.startedAtMs === undefined || (event.worker !== undefined && event.attempt === 1);
      step.durationMs = fromEvent ? event.durationMs : ms - step.startedAtMs!;
      step.error = event.type === 'step_failed' ? event.error : undefined;
      if (event.worker !== undefined) step.worker = event.worker;
      return logFinished(view, step);
    }
    case 'step_skipped':
      step.status = 'skipped';
      step.skipReason = event.reason;
      step.endedAtMs = Date.parse(event.ts);
      return logFinished(view, step);
    case 'step_cancelled': {
      if (view.status === 'paused') view.status = 'running';
      const ms = Date.parse(event.ts);
      step.waitingSinceMs = undefined;
      step.status = 'cancelled';
      step.endedAtMs = ms;
      if (step.startedAtMs !== undefined) step.durationMs = ms - step.startedAtMs;
      return logFinished(view, step);
    }
    case 'rollback_step_succeeded':
      // A fan-out that failed (or was cancelled), undone where it had succeeded, keeps that status.
      if (step.status !== 'failed' && step.status !== 'cancelled') step.status = 'rolled_back';
      step.rollback = { status: 'succeeded', ...(event.worker !== undefined ? { worker: event.worker } : {}) };
      return logRolledBack(view, step);
    case 'rollback_step_failed':
      step.rollback = { status: 'failed', error: event.error, ...(event.worker !== undefined ? { worker: event.worker } : {}) };
      return logRolledBack(view, step);
  }
}

function startAttempt(step: StepView, attempt: number, ts: string): void {
  step.waitingSinceMs = undefined;
  step.status = 'running';
  step.attempt = attempt;
  step.startedAtMs ??= Date.parse(ts);
  step.retryDelayMs = undefined;
  step.retryAtMs = undefined;
}

function logFinished(view: RunView, step: StepView): void {
  view.log.push({ key: `f:${step.id}`, stepId: step.id, kind: 'finished' });
}

/** Logs the step's rollback and points at the next step being rolled back. */
function logRolledBack(view: RunView, step: StepView): void {
  view.log.push({ key: `r:${step.id}`, stepId: step.id, kind: 'rollback' });
  view.rollingBack = view.rollbackStepIds[view.rollbackStepIds.indexOf(step.id) + 1];
}

export function countByStatus(view: RunView): Record<StepView['status'], number> {
  const counts = { pending: 0, running: 0, retrying: 0, succeeded: 0, failed: 0, skipped: 0, cancelled: 0, rolled_back: 0 };
  for (const step of view.steps.values()) counts[step.status]++;
  return counts;
}
