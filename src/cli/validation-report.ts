import { formatPath, type ValidationIssue } from '../planning/validate.js';
import type { PlanFile } from './plan-file.js';
import type { Styler } from '../tui/style.js';
import { plural } from '../planning/plural.js';
import { visible } from '../tui/visible-text.js';

export type LocatedIssue = ValidationIssue & { readonly line?: number; readonly column?: number; readonly where: string };

export function locateIssues(file: PlanFile, issues: readonly ValidationIssue[]): LocatedIssue[] {
  return issues.map((issue) => {
    // Messages quote the expression they are about: "{{ inputs.prot }}" on the third line of a block is located there.
    const at = file.locate(issue.path, /"((?:[^"\\]|\\.)+)"/.exec(issue.message)?.[1]);
    // Inside double quotes (JSON, or "…" in YAML) the backslash of \{{ is an escape: it is written \\{{ there.
    const message = issue.message.endsWith(LITERAL_BRACE) && file.doubleQuoted?.(issue.path) ? issue.message.replace(LITERAL_BRACE, ESCAPED_BRACE) : issue.message;
    return { ...issue, message, ...at, where: `${formatPath(issue.path)}` };
  });
}

const LITERAL_BRACE = 'write \\{{ for a literal {{';
const ESCAPED_BRACE = 'write \\\\{{ for a literal {{ (the backslash doubled inside double quotes)';

/**
 * The problems only the YAML text shows first, then the validation problems they do not explain: a
 * tagged `when: !(x)` reads as an empty string, which says nothing more than the tag's own problem.
 */
export function withTextProblems(file: PlanFile, issues: readonly LocatedIssue[]): LocatedIssue[] {
  if (file.problems.length === 0) return [...issues];
  const explained = (issue: LocatedIssue) => file.problems.some(({ path }) => path.length <= issue.path.length && path.every((part, i) => issue.path[i] === part));
  const text = file.problems.map((problem) => ({ ...problem, where: formatPath(problem.path) }));
  return [...text, ...issues.filter((issue) => !explained(issue))];
}

/** `plan.yaml:12:7: steps[2].dependsOn[0]: unknown step "biuld" (did you mean "build"?)` */
export function formatIssues(file: PlanFile, issues: readonly LocatedIssue[], style: Styler): string[] {
  // A repository names its files: a name with escapes in it is shown, not obeyed.
  const shownPath = visible(file.displayPath);
  const head = style.red(`${shownPath}: invalid plan, ${plural(issues.length, 'problem')}:`);
  return [
    head,
    ...issues.map((issue) => {
      const at = issue.line === undefined ? shownPath : `${shownPath}:${issue.line}:${issue.column}`;
      // Messages quote the plan's own text (an unknown tool's name): its control characters are shown, not obeyed.
      return `  ${style.dim(at)} ${style.bold(visible(issue.where))}: ${visible(issue.message)}`;
    }),
  ];
}

/** The issues as `--json` gives them (validate, policy check): the path as written, with its line and column. */
export function issueDocuments(issues: readonly LocatedIssue[]): { code: string; path: string; message: string; line?: number; column?: number }[] {
  return issues.map(({ code, where, message, line, column }) => ({ code, path: where, message, line, column }));
}
