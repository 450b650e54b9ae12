import type { z } from 'zod';
import { isTemplated } from './templates.js';

/**
 * A schema's issues for a value, as `safeParse(value).error.issues` lists
 * them but without building the ZodError (an Error with a stack): templated
 * arguments fail the schema on purpose, and that error was most of their cost.
 */
export function schemaIssues(schema: z.ZodType, value: unknown): readonly z.core.$ZodIssue[] {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) {
    // Async or throwing schemas: safeParse behaves (and throws) as it always has.
    result.catch(() => {});
    return schema.safeParse(value).error?.issues ?? [];
  }
  return (result.issues ?? []) as readonly z.core.$ZodIssue[];
}

/** Whether a schema issue's path runs into a templated value, whose type is only known at run time. */
export function pathHitsTemplate(root: unknown, path: readonly PropertyKey[]): boolean {
  let value: unknown = root;
  for (const key of path) {
    if (isTemplated(value)) return true;
    if (value === null || typeof value !== 'object') return false;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return isTemplated(value);
}
