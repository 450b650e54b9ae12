/**
 * AttemptTimeoutError's message, as a pattern: what ksa itself says about an attempt (its number, its timeout in
 * ms). Its own module, so the store (loaded before the chat's first frame) reads it without the validator.
 */
export const ATTEMPT_TIMEOUT_WORDS = /attempt \d+ timed out after \d+ ms \(raise timeoutMs if the step needs longer\)/;
