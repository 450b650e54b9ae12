/** How much longer than `timeoutMs` a steadily streaming answer may run in all (see fetchWithTimeout). */
export const STREAM_TOTAL_FACTOR = 5;

/** Which limit ended an answer: none came (`first`), it stopped coming (`silence`), or it went on too long (`total`). */
export type AnswerLimit = 'first' | 'silence' | 'total';

/** What fetchWithTimeout aborts with: a TimeoutError (as AbortSignal.timeout gives one) that says which limit it was. */
export class AnswerTimeoutError extends DOMException {
  constructor(
    readonly limit: AnswerLimit,
    readonly ms: number,
  ) {
    super(limit === 'first' ? `no answer within ${ms} ms` : limit === 'silence' ? `the answer stopped for ${ms} ms` : `no complete answer within ${ms} ms`, 'TimeoutError');
  }
}
