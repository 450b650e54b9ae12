import type { z } from 'zod';
import { closestBranchIssue, closestBranchIssues, unionTypeProblem } from './union-issue.js';
import { lookAlikeNote } from './suggest.js';
import { choiceProblem, isRecord, typeProblem, valueAt } from './values.js';
import type { IssuePath, ValidationIssue } from './validation-issues.js';

// zod's issues as validation issues: paths from the plan, messages in ksa's words.

/** `hintFor` says what to add to `unknown field "<key>"` found in the object at `at` (a path from `root`). */
export function fromZodIssue(issue: z.core.$ZodIssue, base: IssuePath, root: unknown, hintFor: (key: string, at: readonly PropertyKey[]) => string): ValidationIssue[] {
  const path = [...base, ...issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key))];
  // The branch that took the value's shape (runsOn's object) may have several problems: each is said.
  if (issue.code === 'invalid_union' && !('discriminator' in issue && issue.discriminator === 'type')) {
    const branch = closestBranchIssues(issue);
    if (branch.length > 1) return branch.flatMap((inner) => fromZodIssue(inner, base, root, hintFor));
  }
  if (issue.code === 'unrecognized_keys') {
    const hint = unknownFieldHint(root, issue.path);
    return issue.keys.map((key) => ({
      code: 'unknown_field' as const,
      path: [...path, key],
      message: `unknown field "${key}"${hint || hintFor(key, issue.path)}`,
    }));
  }
  return [singleIssue(issue, path, root)];
}

/** Field names of an object schema, for "did you mean" on unknown fields. */
export function shapeKeys(schema: z.ZodType): string[] {
  const shape = (schema as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

function singleIssue(issue: z.core.$ZodIssue, path: IssuePath, root: unknown): ValidationIssue {
  switch (issue.code) {
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator === 'type') {
        return { code: 'invalid_field', path, message: 'unknown step type; expected "tool_call" (the default), "llm_query" or "condition"' };
      }
      const inner = closestBranchIssue(issue);
      if (inner) return singleIssue(inner, [...path, ...inner.path.slice(issue.path.length)] as IssuePath, root);
      return { code: 'invalid_field', path, message: unionTypeProblem(issue, path.at(-1), valueAt(root, issue.path)) ?? issue.message };
    }
    case 'invalid_type':
      return { code: 'invalid_field', path, message: typeProblem(issue.expected, valueAt(root, issue.path)) };
    case 'invalid_value':
      return { code: 'invalid_field', path, message: choiceProblem(issue.values, valueAt(root, issue.path)) };
    default: {
      const note = issue.code === 'invalid_format' ? lookAlikeNote(valueAt(root, issue.path)) : '';
      return { code: 'invalid_field', path, message: `${issue.message.replace(/^Invalid input: /, '')}${note ? ` (${note})` : ''}` };
    }
  }
}

function unknownFieldHint(root: unknown, path: readonly PropertyKey[]): string {
  const target = valueAt(root, path);
  if (!isRecord(target)) return '';
  const type = target.type;
  if (path.length === 0 && typeof type === 'string') {
    if (type === 'llm_query') return '; llm_query steps take id, name, dependsOn, retry, timeoutMs, when and prompt';
    if (type === 'condition') return '; condition steps take only id, name, dependsOn and when';
  }
  return '';
}
