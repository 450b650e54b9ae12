import type { z } from 'zod';
import { valueAt } from '../planning/values.js';

/**
 * A string argument that is exactly one template takes the expression's typed value, so
 * `--replicas "{{ inputs.replicas }}"` renders the number 3 where an argv wants text. Plan
 * validation already refuses a number written where a string belongs, so at run time such a
 * value came from a template: it is written out as the text a shell would have made of it.
 * Returns the arguments with those values as text, or undefined when no issue is of that kind.
 */
export function scalarsAsText(error: z.ZodError, args: unknown): unknown {
  // zod leaves the value out of its issues unless asked (reportInput), so it is read from the arguments.
  const fixes = error.issues.filter((issue) => issue.code === 'invalid_type' && issue.expected === 'string' && issue.path.length > 0 && isScalar(valueAt(args, issue.path)));
  if (fixes.length === 0) return undefined;
  const copy = structuredClone(args);
  for (const issue of fixes) {
    const parent = valueAt(copy, issue.path.slice(0, -1));
    if (parent === null || typeof parent !== 'object') return undefined;
    (parent as Record<PropertyKey, unknown>)[issue.path[issue.path.length - 1]!] = String(valueAt(args, issue.path));
  }
  return copy;
}

function isScalar(value: unknown): value is number | boolean | bigint {
  return (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean' || typeof value === 'bigint';
}
