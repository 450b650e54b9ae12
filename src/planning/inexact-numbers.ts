import { isRecord } from './values.js';

/**
 * Whole numbers past 2^53 (a channel id 1234567890123456789) are not kept exact by YAML, JSON or the
 * expressions: each is read as the nearest number they can hold (…456800) and runs as another (…456768).
 * Returns, for a value (a plan's input, a list given with --input), where such a number is: [] for the
 * value itself, ['ids', 2] inside it.
 */
export function inexactNumberPaths(value: unknown, at: readonly (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'number') return Number.isInteger(value) && !Number.isSafeInteger(value) ? [[...at]] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => inexactNumberPaths(item, [...at, i]));
  if (isRecord(value)) return Object.entries(value).flatMap(([key, item]) => inexactNumberPaths(item, [...at, key]));
  return [];
}

/** Whether a value holds such a number anywhere: a walk without allocations, since most step arguments have none. */
export function holdsInexactNumber(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && !Number.isSafeInteger(value);
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(holdsInexactNumber);
  for (const key in value) if (Object.hasOwn(value, key) && holdsInexactNumber((value as Record<string, unknown>)[key])) return true;
  return false;
}

/** What is wrong with one, read as `readAs`, and what to do. */
export function inexactNumberProblem(readAs: unknown): string {
  return `is a whole number too large to keep exact (more than ${Number.MAX_SAFE_INTEGER}; it would be read as ${String(readAs)}): quote it to pass it as text`;
}
