/** Text that may make a reference conditional: a has() test, a ternary, a short-circuit, an `in` test, an optional `.?`. */
const MAY_GUARD = /\bhas\(|\?|\|\||&&|\bin\b/;

/** A test against null: `inputs.tag == null`, `null != inputs.tag`. */
const NULL_TEST = /[=!]=\s*null\b|\bnull\s*[=!]=/;

/**
 * Whether an expression may read a value only when it is there (`has(env.BRANCH) ? env.BRANCH : "main"`):
 * it is left to run as written rather than refused for a value that is missing now.
 */
export function mayGuard(source: string): boolean {
  return MAY_GUARD.test(source);
}

/** As mayGuard, for a value that is there but may be null (an input declared without one): a null test guards it too. */
export function mayGuardNull(source: string): boolean {
  return MAY_GUARD.test(source) || NULL_TEST.test(source);
}
