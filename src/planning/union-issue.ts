import type { z } from 'zod';

/**
 * zod says only "Invalid input" when no branch of a union matches. When exactly one branch
 * took the value's shape (its issues are not about the value's type at the union itself),
 * that branch's first issue says what is wrong: `at most 5 labels` for a runsOn list.
 * Its path is made absolute (from the union's). Undefined when no single branch stands out.
 */
export function closestBranchIssue(issue: z.core.$ZodIssueInvalidUnion): z.core.$ZodIssue | undefined {
  const shaped = issue.errors.filter((branch) => branch.length > 0 && !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0));
  const first = shaped.length === 1 ? shaped[0]![0] : undefined;
  return first && { ...first, path: [...issue.path, ...first.path] };
}
