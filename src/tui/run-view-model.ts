import { isWaitingForWorker, type RunView, type StepView } from '../planning/run-progress.js';
import { isFinished } from '../planning/state.js';

export { applyRunEvent, countByStatus, createRunView, isWaitingForWorker, seedRunView } from '../planning/run-progress.js';
export type { RunLogEntry, RunView, StepView } from '../planning/run-progress.js';

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  // Each unit is rounded before the next is chosen: 119.6 s is 2m00s, not 1m60s; 59.6 s is 1m00s, not 60s.
  if (Math.round(ms) < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const seconds = ms / 1000;
  if (Math.round(seconds * 10) < 100) return `${seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export const STATUS_ICONS: Record<StepView['status'], string> = {
  pending: '·',
  running: '▶',
  retrying: '↻',
  succeeded: '✓',
  failed: '✗',
  skipped: '○',
  cancelled: '⊘',
  rolled_back: '↶',
};

/** A step with something happening now: running, waiting to retry, or being rolled back. */
export function isActiveStep(view: RunView, step: StepView): boolean {
  return step.status === 'running' || step.status === 'retrying' || view.rollingBack === step.id;
}

/**
 * Steps whose work stands, as the engine counts them done: succeeded or skipped. A failed or
 * cancelled step never did its work and a rolled-back one's is undone, so a cancelled run's
 * bar is not full.
 */
export function doneStepCount(counts: StepCounts): number {
  return counts.succeeded + counts.skipped;
}

/**
 * What follows `n/total done` on the progress line: the steps running (while the run goes on)
 * and those that ended without their work standing, named as the end-of-run summary names them.
 */
export function progressCountParts(view: RunView, counts: StepCounts): string[] {
  // A step waiting for a worker is under way but has not started: counted apart.
  let waiting = 0;
  for (const step of view.steps.values()) if (isWaitingForWorker(step)) waiting++;
  const running = counts.running - waiting;
  const parts = !isFinished(view.status) || running > 0 ? [`${running} running`] : [];
  if (waiting > 0) parts.push(`${waiting} waiting for a worker`);
  for (const status of ['failed', 'cancelled', 'rolled_back'] as const) if (counts[status] > 0) parts.push(`${counts[status]} ${status.replace('_', ' ')}`);
  return parts;
}

type StepCounts = Record<StepView['status'], number>;
