import type { RunsOn } from './runs-on.js';

// Apart from runs-on.ts (its schema), so the chat's plan card reads placements without loading zod.

/** Where a step runs: its labels (sorted, unique) and whether it fans out to every matching worker. */
export type Placement = { readonly labels: readonly string[]; readonly each: boolean };

/** The step's own runsOn, else the plan's, else any worker. */
export function placementOf(step: { readonly runsOn?: RunsOn }, plan: { readonly runsOn?: RunsOn }): Placement {
  const runsOn = step.runsOn ?? plan.runsOn;
  if (runsOn === undefined) return { labels: [], each: false };
  const labels = Array.isArray(runsOn) ? runsOn : runsOn.labels;
  return { labels: [...new Set(labels)].sort(), each: !Array.isArray(runsOn) && runsOn.each === true };
}

/** The labels a worker needs to take a step of `plan` (a step that has no runsOn field of its own, the plan's). */
export function workerLabelsOf(step: object, plan: { readonly runsOn?: RunsOn }): readonly string[] {
  return placementOf('runsOn' in step ? (step as { readonly runsOn?: RunsOn }) : {}, plan).labels;
}

/** `web, eu` — for messages and the plan card. */
export function describePlacement(placement: Placement): string {
  const labels = placement.labels.length > 0 ? placement.labels.join(', ') : 'any';
  return placement.each ? `every worker (labels: ${labels})` : `a worker (labels: ${labels})`;
}
