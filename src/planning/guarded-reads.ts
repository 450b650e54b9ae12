import { compileExpression } from './expressions.js';

/** Text that may make a reference conditional: a has() test, a ternary, a short-circuit, an `in` test, an optional `.?`. */
const MAY_GUARD = /\bhas\(|\?|\|\||&&|\bin\b/;

/**
 * Whether an expression may read a value only when it is there (`has(env.BRANCH) ? env.BRANCH : "main"`):
 * it is left to run as written rather than refused for a value that is missing now.
 */
export function mayGuard(source: string): boolean {
  return MAY_GUARD.test(source);
}

const NONE: ReadonlySet<string> = new Set();

/**
 * The inputs a step's `when` proves not null (`inputs.image != null`, or that as one of its `&&` terms): the
 * step runs only then, so its arguments, prompt and rollback may read them plainly.
 */
export function notNullWhen(when: string | undefined): ReadonlySet<string> {
  if (when === undefined) return NONE;
  const compiled = compileExpression(when);
  return compiled.ok && compiled.expression.nullGuards.notNullWhenTrue.length > 0 ? new Set(compiled.expression.nullGuards.notNullWhenTrue) : NONE;
}

/** The inputs `source` reads with no test against null before the read, other than those `safe` (the step's `when` proves not null). */
export function unguardedInputReads(source: string, safe: ReadonlySet<string> = NONE): readonly string[] {
  const compiled = compileExpression(source);
  if (!compiled.ok) return [];
  const { unguardedInputs } = compiled.expression.nullGuards;
  return safe.size === 0 ? unguardedInputs : unguardedInputs.filter((name) => !safe.has(name));
}
