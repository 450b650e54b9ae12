// Apart from schema.ts, so what shows a plan (the chat's plan card) does not build the plan's schema.
export const DEFAULT_MAX_PARALLEL = 5;
export const DEFAULT_MAX_STEPS = 200;
/** The longest delay a timer can wait (2^31 - 1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;
export const MAX_TIMER_MESSAGE = 'at most 2147483647 ms (about 24 days), the longest wait a timer can have';
