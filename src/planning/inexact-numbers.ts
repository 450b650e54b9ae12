import { isRecord } from './values.js';

/**
 * Whole numbers past 2^53 (a channel id 1234567890123456789) are not kept exact by YAML, JSON or the
 * expressions: each is read as the nearest number they can hold (…456800) and runs as another (…456768).
 * A number that is not finite (`.inf`, `.nan`, `1e400`) is not kept either: a command gets Infinity or NaN
 * while the run's records, plan and --json output (JSON) hold null.
 * Returns, for a value (a plan's input, a list given with --input), where such a number is: [] for the
 * value itself, ['ids', 2] inside it.
 */
export function inexactNumberPaths(value: unknown, at: readonly (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'number') return isInexact(value) ? [[...at]] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => inexactNumberPaths(item, [...at, i]));
  if (isRecord(value)) return Object.entries(value).flatMap(([key, item]) => inexactNumberPaths(item, [...at, key]));
  return [];
}

/** Whether a value holds such a number anywhere: a walk without allocations, since most step arguments have none. */
export function holdsInexactNumber(value: unknown): boolean {
  if (typeof value === 'number') return isInexact(value);
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(holdsInexactNumber);
  for (const key in value) if (Object.hasOwn(value, key) && holdsInexactNumber((value as Record<string, unknown>)[key])) return true;
  return false;
}

function isInexact(value: number): boolean {
  return !Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value));
}

/** What is wrong with one, read as `readAs`, and what to do. */
export function inexactNumberProblem(readAs: unknown): string {
  if (typeof readAs === 'number' && !Number.isFinite(readAs)) return nonFiniteNumberProblem(readAs);
  return `is a whole number too large to keep exact (more than ${Number.MAX_SAFE_INTEGER}; it would be read as ${String(readAs)}): quote it to pass it as text`;
}

/** For a number read as Infinity or NaN (`.inf`, `.nan`, `1e400`). */
export function nonFiniteNumberProblem(readAs: number): string {
  return `is not a finite number (it would be read as ${String(readAs)}, and recorded as null): write a number (at most about 1.8e308), or quote it to pass it as text`;
}
