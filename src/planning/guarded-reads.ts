import { compileExpression } from './expressions.js';

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

/**
 * The allow-listed variables a step's `when` proves set (`has(env.BRANCH)`, or that as one of its `&&` terms):
 * the step runs only then, so its arguments, prompt and rollback may read them plainly.
 */
export function envSetWhen(when: string | undefined): ReadonlySet<string> {
  if (when === undefined) return NONE;
  const compiled = compileExpression(when);
  return compiled.ok && compiled.expression.envGuards.setWhenTrue.length > 0 ? new Set(compiled.expression.envGuards.setWhenTrue) : NONE;
}

/** The variables `source` reads with no test that they are set before the read, other than those `safe` (the step's `when` proves set). */
export function unguardedEnvReads(source: string, safe: ReadonlySet<string> = NONE): readonly string[] {
  const compiled = compileExpression(source);
  if (!compiled.ok) return [];
  const { unguardedEnv } = compiled.expression.envGuards;
  return safe.size === 0 ? unguardedEnv : unguardedEnv.filter((name) => !safe.has(name));
}
