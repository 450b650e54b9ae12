/**
 * What a paused run still does, after "paused: no new step starts; ": running steps finish on their
 * own, while a step between attempts waits for the resume (its retry is a new start).
 */
export function pausedDetail(running: readonly string[], retrying: readonly string[]): string {
  const parts: string[] = [];
  if (running.length > 0) parts.push(`still running (they finish): ${running.join(', ')}`);
  if (retrying.length > 0) parts.push(`waiting to retry once resumed: ${retrying.join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'nothing is running';
}

/** A stored step (run.json) that is `running` but between attempts. */
export function waitsForRetry(step: { readonly status: string; readonly retryAt?: string } | undefined): boolean {
  return step?.status === 'running' && step.retryAt !== undefined;
}
