import { KsaError } from '../planning/ksa-error.js';

/** One YAML problem in an edited plan: where (1-based) and what. */
export type YamlProblem = { readonly line: number; readonly column: number; readonly message: string };

/**
 * An edited plan that is not YAML. `lines` shows every problem with its place and
 * the line it is on, a caret under the column, as the user needs it to fix the edit.
 */
export class PlanYamlError extends KsaError {
  readonly problems: readonly YamlProblem[];
  readonly lines: readonly string[];

  constructor({ problems, text }: { problems: readonly YamlProblem[]; text: string }) {
    const lines = describeProblems(problems, text);
    super({ name: 'PlanYamlError', message: lines.join('\n') });
    this.problems = problems;
    this.lines = lines;
  }
}

/** Problems shown at most: the first usually causes the rest. */
const SHOWN = 3;

function describeProblems(problems: readonly YamlProblem[], text: string): string[] {
  const source = text.split('\n');
  const lines: string[] = [];
  for (const problem of problems.slice(0, SHOWN)) {
    const code = source[problem.line - 1];
    const atEnd = source.slice(problem.line - 1).every((line) => line.trim() === '');
    lines.push(`line ${problem.line}, column ${problem.column}${atEnd ? ' (the end of the text)' : ''}: ${problem.message}`);
    if (code !== undefined && code.trim() !== '') {
      lines.push(`  ${code}`);
      lines.push(`  ${' '.repeat(Math.max(0, problem.column - 1))}^`);
    }
  }
  if (problems.length > SHOWN) lines.push(`(and ${problems.length - SHOWN} more)`);
  return lines;
}
