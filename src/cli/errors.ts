import { KsaError } from '../planning/ksa-error.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/** An error the CLI reports as one line and turns into an exit code. */
export class CliError extends KsaError {
  readonly exitCode: ExitCodeValue;
  /** Extra lines printed after the message (e.g. every validation problem). */
  readonly details: readonly string[];
  /** Where in a file the problem is, when it is about a file (syntax errors). */
  readonly location?: { readonly line: number; readonly column: number };
  /** What may be behind the problems, printed after them (a server that cut the prompt): not one of them. */
  readonly hint?: string;

  constructor({
    message,
    exitCode = ExitCode.usage,
    details = [],
    cause,
    location,
    hint,
  }: {
    message: string;
    exitCode?: ExitCodeValue;
    details?: readonly string[];
    cause?: unknown;
    location?: { line: number; column: number };
    hint?: string;
  }) {
    super({ name: 'CliError', message, cause });
    this.exitCode = exitCode;
    this.details = details;
    this.location = location;
    if (hint !== undefined) this.hint = hint;
  }
}

const documentedFailures = new WeakSet<object>();

/** `--json` promises one JSON document: a failure that ends the command is one too (the line on stderr stays). */
export function failureDocument(failure: unknown, oneLine = false): string {
  if (typeof failure === 'object' && failure !== null) documentedFailures.add(failure);
  const error = failure instanceof Error ? failure : new Error(String(failure));
  const problems = error instanceof CliError ? error.details.map((line) => line.trim()).filter(Boolean) : [];
  const hint = error instanceof CliError ? error.hint : undefined;
  return JSON.stringify({ error: error.message, ...(problems.length > 0 ? { problems } : {}), ...(hint ? { hint } : {}) }, null, oneLine ? undefined : 2);
}

/** A failure whose command wrote its own JSON document (a report that says it failed): none is added. */
export function documented<T extends object>(failure: T): T {
  documentedFailures.add(failure);
  return failure;
}

/** Whether the command already wrote this failure's document (ksa plan and ksa ask write theirs where they fail). */
export function isDocumented(failure: unknown): boolean {
  return typeof failure === 'object' && failure !== null && documentedFailures.has(failure);
}
