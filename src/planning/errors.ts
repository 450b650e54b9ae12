import { formatIssue, type ValidationIssue } from './validation-issues.js';

export { KsaError } from './ksa-error.js';
import { KsaError } from './ksa-error.js';
import { plural } from './plural.js';

export class PlanValidationError extends KsaError {
  readonly issues: readonly ValidationIssue[];

  constructor({ issues, source }: { issues: readonly ValidationIssue[]; source?: string }) {
    const where = source ? `${source}: ` : '';
    super({
      name: 'PlanValidationError',
      message: `${where}the plan has ${plural(issues.length, 'problem')}:\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`,
    });
    this.issues = issues;
  }
}

export { ATTEMPT_TIMEOUT_WORDS } from './attempt-timeout-words.js';

export class AttemptTimeoutError extends KsaError {
  readonly timeoutMs: number;

  constructor({ timeoutMs, attempt }: { timeoutMs: number; attempt: number }) {
    super({ name: 'AttemptTimeoutError', message: `attempt ${attempt} timed out after ${timeoutMs} ms (raise timeoutMs if the step needs longer)` });
    this.timeoutMs = timeoutMs;
  }
}

export class RunCancelledError extends KsaError {
  constructor({ reason }: { reason: string }) {
    super({ name: 'RunCancelledError', message: `cancelled: ${reason}` });
  }
}

/** The one-line message of anything thrown by a tool, a model or an expression. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
