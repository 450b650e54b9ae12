import type { z } from 'zod';
import { typeProblem } from './values.js';

/**
 * zod says only "Invalid input" when no branch of a union matches. A branch that took the value's
 * type (its first issue is not about the type of the value at the union itself) failed a check
 * there, and that issue says what is wrong: `at most 5 labels` for a runsOn list, a status of 700.
 * The first such branch's first issue, its path made absolute (from the union's); undefined when
 * no branch took the value's type.
 */
export function closestBranchIssue(issue: z.core.$ZodIssueInvalidUnion): z.core.$ZodIssue | undefined {
  return closestBranchIssues(issue)[0];
}

/** Every issue of that branch, paths made absolute: a misspelled required field is both missing and unknown. */
export function closestBranchIssues(issue: z.core.$ZodIssueInvalidUnion): z.core.$ZodIssue[] {
  const branch = issue.errors.find((issues) => issues[0] !== undefined && !(issues[0].code === 'invalid_type' && issues[0].path.length === 0)) ?? [];
  return branch.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }));
}

/**
 * What a value no branch of a union took is told, instead of zod's "Invalid input": the types it could
 * have been (`expected array or object, got string "web"`, with runsOn's two shapes); undefined when
 * the branches say nothing of types.
 */
export function unionTypeProblem(issue: z.core.$ZodIssueInvalidUnion, field: PropertyKey | undefined, value: unknown): string | undefined {
  const expected = [...new Set(issue.errors.flatMap((branch) => (branch[0]?.code === 'invalid_type' ? [branch[0].expected] : [])))];
  if (expected.length === 0) return undefined;
  return `${typeProblem(expected.join(' or '), value)}${field === 'runsOn' ? ' (a list of labels, [web], or { labels: [web], each: true })' : ''}`;
}
