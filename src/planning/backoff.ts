import type { RetryPolicy } from './schema.js';

/** Share of each delay that jitter may take away, so retrying clients spread out. */
export const JITTER_RATIO = 0.25;

/**
 * Delay before the attempt after `failedAttempt` (1-based): exponential,
 * capped at maxDelayMs, minus up to 25% jitter (`random` in [0, 1)).
 */
export function retryDelayMs(policy: RetryPolicy, failedAttempt: number, random: () => number): number {
  const exponential = policy.initialDelayMs * policy.multiplier ** (failedAttempt - 1);
  const capped = Math.min(exponential, policy.maxDelayMs);
  return Math.round(capped * (1 - JITTER_RATIO * random()));
}
