import type { z } from 'zod';

/**
 * zod says only "Invalid input" when no branch of a union matches. A branch that took the value's
 * type (its first issue is not about the type of the value at the union itself) failed a check
 * there, and that issue says what is wrong: `at most 5 labels` for a runsOn list, a status of 700.
 * The first such branch's first issue, its path made absolute (from the union's); undefined when
 * no branch took the value's type.
 */
export function closestBranchIssue(issue: z.core.$ZodIssueInvalidUnion): z.core.$ZodIssue | undefined {
  const first = issue.errors.find((branch) => branch[0] !== undefined && !(branch[0].code === 'invalid_type' && branch[0].path.length === 0))?.[0];
  return first && { ...first, path: [...issue.path, ...first.path] };
}
