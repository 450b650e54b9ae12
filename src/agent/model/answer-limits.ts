/** How much longer than `timeoutMs` a steadily streaming answer may run in all (see fetchWithTimeout). */
export const STREAM_TOTAL_FACTOR = 5;
