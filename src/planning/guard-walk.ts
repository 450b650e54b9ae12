import { isNode, type Node, walkCel } from './cel-ast.js';

export type Names = ReadonlySet<string>;
export const NO_NAMES: Names = new Set();

/**
 * One kind of value an expression may read when it is not there: an input that may be null, an allow-listed
 * variable that may be unset. What reads one by name, and what tests whether it is there.
 */
export type GuardReading = {
  /** The name `node` reads the value of (`inputs.tag`, `env.BRANCH`); `bound`: macro variables in scope there. */
  read(node: Node, bound: Names): string | undefined;
  /** The name `node` tests, and the outcome that says it is there (`inputs.tag != null`: true; `!has(env.X)` is a `!` of one). */
  test(node: Node, bound: Names): { name: string; thereWhen: boolean } | undefined;
  /**
   * Whether reading the value when it is not there fails (an unset variable), rather than giving a wrong value
   * (a null input): CEL's `&&` and `||` then take their answer from the other side when it decides alone
   * (`false`, `true`), so a test on the right covers a read on the left (`env.X == "a" && has(env.X)` is false).
   */
  readonly readFails: boolean;
};

export type GuardedReads = {
  /** Names read somewhere with no test of that same name on the way to the read. */
  readonly unguarded: readonly string[];
  /** Names the expression being true proves there (`has(env.X) && …`): a step whose `when` it is may read them. */
  readonly thereWhenTrue: readonly string[];
};

/**
 * Which reads an expression makes only where it tested that very name on the way to them: the branch of a
 * `?:` its condition picks for it, the right side of an `&&` (`||`) its left side being true (false) lets run.
 * A read that gives a wrong value is held to left to right, as the expression is written to be read: nothing in
 * the plan says a later test was meant to cover an earlier read. One that fails is also covered by the other side
 * of its `&&` (`||`) where that side being false (true) proves it there: CEL then answers false (true) from it.
 */
export function guardedReadsOf(ast: Node, reading: GuardReading): GuardedReads {
  const unguarded = new Set<string>();

  // What is proved there changes only below a `?:` or an `&&`, `||`: each side is walked again with its own.
  const walk = (node: unknown, bound: Names, safe: Names): void =>
    walkCel(
      node,
      (node, bound, visit) => {
        // The test itself reads nothing of the value.
        if (reading.test(node, bound) !== undefined) return true;
        const name = reading.read(node, bound);
        if (name !== undefined) {
          if (!safe.has(name)) unguarded.add(name);
          return true;
        }
        const { op, args } = node;
        if (op === '?:') {
          const [condition, then, otherwise] = args as [unknown, unknown, unknown];
          visit(condition, bound);
          walk(then, bound, union(safe, thereIf(condition, true, bound, reading)));
          walk(otherwise, bound, union(safe, thereIf(condition, false, bound, reading)));
          return true;
        }
        if (op === '&&' || op === '||') {
          const [left, right] = args as [unknown, unknown];
          walk(left, bound, reading.readFails ? union(safe, thereIf(right, op === '&&', bound, reading)) : safe);
          // The right side runs when the left is true (&&) or false (||).
          walk(right, bound, union(safe, thereIf(left, op === '&&', bound, reading)));
          return true;
        }
        return false;
      },
      bound,
    );

  walk(ast, NO_NAMES, NO_NAMES);
  return { unguarded: [...unguarded], thereWhenTrue: [...thereIf(ast, true, NO_NAMES, reading)] };
}

/** The names `node` evaluating to `outcome` proves there. */
function thereIf(node: unknown, outcome: boolean, bound: Names, reading: GuardReading): Names {
  if (!isNode(node)) return NO_NAMES;
  const test = reading.test(node, bound);
  if (test !== undefined) return test.thereWhen === outcome ? new Set([test.name]) : NO_NAMES;
  const { op, args } = node;
  if (op === '!_') return thereIf(args, !outcome, bound, reading);
  if (op !== '&&' && op !== '||') return NO_NAMES;
  const [left, right] = args as [unknown, unknown];
  const a = thereIf(left, outcome, bound, reading);
  const b = thereIf(right, outcome, bound, reading);
  // `x && y` true, or `x || y` false, says both sides were; the other outcomes say only one of them.
  return (op === '&&') === outcome ? union(a, b) : new Set([...a].filter((name) => b.has(name)));
}

function union(a: Names, b: Names): Names {
  if (b.size === 0) return a;
  if (a.size === 0) return b;
  return new Set([...a, ...b]);
}
