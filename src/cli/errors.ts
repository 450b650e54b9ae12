import { KsaError } from '../planning/index.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/** An error the CLI reports as one line and turns into an exit code. */
export class CliError extends KsaError {
  readonly exitCode: ExitCodeValue;
  /** Extra lines printed after the message (e.g. every validation problem). */
  readonly details: readonly string[];

  constructor({ message, exitCode = ExitCode.usage, details = [], cause }: { message: string; exitCode?: ExitCodeValue; details?: readonly string[]; cause?: unknown }) {
    super({ name: 'CliError', message, cause });
    this.exitCode = exitCode;
    this.details = details;
  }
}
