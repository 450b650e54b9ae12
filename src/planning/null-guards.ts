import { isNode, literalString, MACROS, type Node } from './cel-ast.js';

/**
 * How an expression treats inputs that may be null (declared without a value). An input read counts as
 * guarded only where the expression itself tested that very input against null on the way to the read:
 * `inputs.tag == null ? "latest" : inputs.tag`, `inputs.tag != null && inputs.tag != ""`. Anything else
 * (`has(inputs.tag)`, which is true for a null input; `inputs.tag || "latest"`, which fails on a string;
 * `inputs.tag in [...]`; a test of another input) would read the null as empty text or fail mid-run.
 */
export type NullGuards = {
  /** Inputs the expression reads somewhere without such a test before it. */
  readonly unguardedInputs: readonly string[];
  /** Inputs the expression being true proves not null (`inputs.tag != null && …`): a step whose `when` it is may read them. */
  readonly notNullWhenTrue: readonly string[];
};

export const NO_NULL_GUARDS: NullGuards = { unguardedInputs: [], notNullWhenTrue: [] };

type Names = ReadonlySet<string>;
const NONE: Names = new Set();

export function nullGuardsOf(ast: Node): NullGuards {
  const unguarded = new Set<string>();

  // Only left to right, as the expression is written to be read: `inputs.tag + "" != "" && inputs.tag != null`
  // happens to be false in cel-js, but nothing in the plan says a later test was meant to cover an earlier read.
  const visit = (node: unknown, bound: Names, safe: Names): void => {
    if (!isNode(node)) {
      if (Array.isArray(node)) for (const child of node) visit(child, bound, safe);
      return;
    }
    // The test itself reads nothing of the value.
    if (nullTest(node, bound) !== undefined) return;
    const input = inputRead(node, bound);
    if (input !== undefined) {
      if (!safe.has(input)) unguarded.add(input);
      return;
    }
    const { op, args } = node;
    if (op === '?:') {
      const [condition, then, otherwise] = args as [unknown, unknown, unknown];
      visit(condition, bound, safe);
      visit(then, bound, union(safe, notNullIf(condition, true, bound)));
      visit(otherwise, bound, union(safe, notNullIf(condition, false, bound)));
      return;
    }
    if (op === '&&' || op === '||') {
      const [left, right] = args as [unknown, unknown];
      visit(left, bound, safe);
      // The right side runs when the left is true (&&) or false (||).
      visit(right, bound, union(safe, notNullIf(left, op === '&&', bound)));
      return;
    }
    if (op === 'rcall') {
      const [name, receiver, callArgs] = args as [string, unknown, unknown[]];
      visit(receiver, bound, safe);
      const first = callArgs[0];
      if (MACROS.has(name) && callArgs.length >= 2 && isNode(first) && first.op === 'id') {
        const inner = new Set(bound).add(first.args as string);
        for (const arg of callArgs.slice(1)) visit(arg, inner, safe);
        return;
      }
      visit(callArgs, bound, safe);
      return;
    }
    if (op === 'call') {
      visit((args as [string, unknown[]])[1], bound, safe);
      return;
    }
    if (op === 'id' || op === 'value') return;
    visit(args, bound, safe);
  };

  visit(ast, NONE, NONE);
  return { unguardedInputs: [...unguarded], notNullWhenTrue: [...notNullIf(ast, true, NONE)] };
}

/** The inputs `node` evaluating to `outcome` proves not null. */
function notNullIf(node: unknown, outcome: boolean, bound: Names): Names {
  if (!isNode(node)) return NONE;
  const test = nullTest(node, bound);
  if (test !== undefined) return test.isNull === outcome ? NONE : new Set([test.input]);
  const { op, args } = node;
  if (op === '!_') return notNullIf(args, !outcome, bound);
  if (op !== '&&' && op !== '||') return NONE;
  const [left, right] = args as [unknown, unknown];
  const a = notNullIf(left, outcome, bound);
  const b = notNullIf(right, outcome, bound);
  // `x && y` true, or `x || y` false, says both sides were; the other outcomes say only one of them.
  return (op === '&&') === outcome ? union(a, b) : new Set([...a].filter((name) => b.has(name)));
}

/** `inputs.tag == null`, `null != inputs.tag`: which input, and whether the test is that it is null. */
function nullTest(node: Node, bound: Names): { input: string; isNull: boolean } | undefined {
  if (node.op !== '==' && node.op !== '!=') return undefined;
  const [left, right] = node.args as [unknown, unknown];
  const input = isNullLiteral(right) ? inputRead(left, bound) : isNullLiteral(left) ? inputRead(right, bound) : undefined;
  return input === undefined ? undefined : { input, isNull: node.op === '==' };
}

/** The input `inputs.tag` or `inputs["tag"]` reads, unless `inputs` is a macro's variable there. */
export function inputRead(node: unknown, bound: Names): string | undefined {
  if (!isNode(node) || (node.op !== '.' && node.op !== '.?' && node.op !== '[]' && node.op !== '[?]')) return undefined;
  const [target, key] = node.args as [unknown, unknown];
  if (!isNode(target) || target.op !== 'id' || target.args !== 'inputs' || bound.has('inputs')) return undefined;
  return node.op === '.' || node.op === '.?' ? (key as string) : literalString(key);
}

function isNullLiteral(node: unknown): boolean {
  return isNode(node) && node.op === 'value' && node.args === null;
}

function union(a: Names, b: Names): Names {
  if (b.size === 0) return a;
  if (a.size === 0) return b;
  return new Set([...a, ...b]);
}
