import { KsaError } from '../../planning/ksa-error.js';

/** A policy file that cannot be used: where (file:line) and what, in one line. */
export class PolicyFileError extends KsaError {
  readonly file: string;
  readonly line: number | undefined;
  readonly problem: string;

  constructor({ file, line, problem }: { file: string; line?: number; problem: string }) {
    super({ name: 'PolicyFileError', message: `${file}${line ? `:${line}` : ''}: ${problem}` });
    this.file = file;
    this.line = line;
    this.problem = problem;
  }
}
