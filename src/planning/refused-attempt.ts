import { KsaError } from './ksa-error.js';

/**
 * An attempt refused where it was to run, for a reason every retry would meet again (the deny rules of the
 * worker that took it): the step fails at once instead of spending its retries there.
 */
export class RefusedAttemptError extends KsaError {
  constructor(message: string) {
    super({ name: 'RefusedAttemptError', message });
  }
}
