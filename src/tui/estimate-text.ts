import { isSlowerThanUsual, type DurationStats, type RunEstimate } from '../planning/estimate.js';
import { formatDuration } from './run-view-model.js';
import { plural } from '../planning/plural.js';

/**
 * "about 2m10s left", "1m30s–3m00s left" while history is thin, "+ 2 steps never timed".
 * Paused, no new step starts until the resume: the time is "left once resumed".
 */
export function formatEstimate(estimate: RunEstimate, paused = false): string {
  const low = roundForDisplay(estimate.lowMs);
  const high = roundForDisplay(estimate.highMs);
  const left = paused ? 'left once resumed' : 'left';
  const slow = estimate.longerThanUsual;
  // What is left of a step past its usual time is not known: never "about 0ms left".
  const longer = slow.length > 0 ? `${slow.join(', ')} taking longer than usual` : undefined;
  const span = longer !== undefined && high === 0 ? `${longer}: time left unknown` : low === high ? `about ${formatDuration(low)} ${left}` : `${formatDuration(low)}–${formatDuration(high)} ${left}`;
  const notes = [...(longer !== undefined && high > 0 ? [`+ ${longer}`] : []), ...(estimate.untimedSteps > 0 ? [`+ ${plural(estimate.untimedSteps, 'step')} never timed`] : [])];
  return notes.length > 0 ? `${span} (${notes.join('; ')})` : span;
}

/** What a running step's history says: its usual duration, or that it is far slower than usual. */
export function expectationText(stats: DurationStats | undefined, elapsedMs: number | undefined): { readonly text: string; readonly slow: boolean } | undefined {
  if (!stats) return undefined;
  const usual = formatDuration(stats.medianMs);
  if (elapsedMs !== undefined && isSlowerThanUsual(stats, elapsedMs)) return { text: `slower than usual: ${formatDuration(elapsedMs)}, usually ${usual}`, slow: true };
  return { text: `usually ${usual}`, slow: false };
}

/** Whole seconds past ten seconds: an estimate has no sub-second precision. */
function roundForDisplay(ms: number): number {
  return ms >= 10_000 ? Math.round(ms / 1000) * 1000 : ms;
}
