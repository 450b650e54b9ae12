import { z } from 'zod';
import { didYouMean } from '../planning/suggest.js';
import { formatPath } from '../planning/validate.js';
import { closestBranchIssue } from '../planning/union-issue.js';
import { choiceProblem, describeValue, typeProblem, valueAt } from '../planning/values.js';

/**
 * One short line per zod issue, with the argument's path:
 * `args.port: expected number, got string "abc"`.
 * Arguments are checked again at run time because templates fill them in.
 */
export function describeInputProblems(error: z.ZodError, args: unknown, schema: z.ZodType): string[] {
  return error.issues.map((issue) => describeIssue(issue, [], args, schema));
}

const WHOLE_TEMPLATE_HINT = ' (a whole-string {{ }} keeps the value\'s type; to have it as text (objects as JSON), put it in text, e.g. "{{ … }}\\n")';

function describeIssue(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[], args: unknown, schema: z.ZodType): string {
  const fullPath = [...prefix, ...issue.path];
  const keys = fullPath.map((key) => (typeof key === 'symbol' ? String(key) : key));
  const at = formatPath(['args', ...keys]);
  switch (issue.code) {
    case 'invalid_type': {
      const value = valueAt(args, fullPath);
      // Validation checked every argument written as is: a list or an object here came from a whole-string template.
      const kept = issue.expected === 'string' && typeof value === 'object' && value !== null ? WHOLE_TEMPLATE_HINT : '';
      return `${at}: ${typeProblem(issue.expected, value)}${kept}`;
    }
    case 'invalid_value':
      return `${at}: ${choiceProblem(issue.values, valueAt(args, fullPath))}`;
    case 'unrecognized_keys':
      return issue.keys
        .map((key) => `${formatPath(['args', ...keys, key])}: unknown argument${didYouMean(key, knownKeys(schema, fullPath))}`)
        .join('; ');
    case 'invalid_union': {
      // A branch whose type matched failed a check (a status of 700, an array with a bad item): that is the useful message.
      const matched = closestBranchIssue(issue);
      if (matched) return describeIssue(matched, prefix, args, schema);
      return `${at}: ${unionExpectation(issue)}, got ${describeValue(valueAt(args, fullPath))}`;
    }
    default:
      return `${at}: ${issue.message.replace(/^Invalid input: /, '')}`;
  }
}

/** "expected number or array" from the branches' own type errors. */
function unionExpectation(issue: z.core.$ZodIssueInvalidUnion): string {
  const expected = new Set<string>();
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first?.code === 'invalid_type' && first.path.length === 0) expected.add(first.expected);
  }
  return expected.size > 0 ? `expected ${[...expected].join(' or ')}` : issue.message.replace(/^Invalid input: /, '').toLowerCase();
}

function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: unknown = schema;
  for (const key of path) {
    if (!(current instanceof z.ZodObject)) return [];
    current = (current.shape as Record<PropertyKey, unknown>)[key];
    while (current instanceof z.ZodOptional || current instanceof z.ZodDefault) current = current.unwrap();
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

