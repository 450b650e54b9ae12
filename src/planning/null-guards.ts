import { isNode, literalString, type Node } from './cel-ast.js';
import { guardedReadsOf, type GuardReading, type Names } from './guard-walk.js';

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

const INPUT_NULLS: GuardReading = { read: inputRead, test: nullTest, readFails: false };

export function nullGuardsOf(ast: Node): NullGuards {
  const { unguarded, thereWhenTrue } = guardedReadsOf(ast, INPUT_NULLS);
  return { unguardedInputs: unguarded, notNullWhenTrue: thereWhenTrue };
}

/** `inputs.tag == null`, `null != inputs.tag`: which input, and whether the test is that it is not null. */
function nullTest(node: Node, bound: Names): { name: string; thereWhen: boolean } | undefined {
  if (node.op !== '==' && node.op !== '!=') return undefined;
  const [left, right] = node.args as [unknown, unknown];
  const input = isNullLiteral(right) ? inputRead(left, bound) : isNullLiteral(left) ? inputRead(right, bound) : undefined;
  return input === undefined ? undefined : { name: input, thereWhen: node.op === '!=' };
}

/** The input `inputs.tag` or `inputs["tag"]` reads, unless `inputs` is a macro's variable there; `dyn(…)` of one is the same value. */
export function inputRead(node: unknown, bound: Names): string | undefined {
  if (isNode(node) && node.op === 'call') {
    const [name, args] = node.args as [string, unknown[]];
    return name === 'dyn' && args.length === 1 ? inputRead(args[0], bound) : undefined;
  }
  if (!isNode(node) || (node.op !== '.' && node.op !== '.?' && node.op !== '[]' && node.op !== '[?]')) return undefined;
  const [target, key] = node.args as [unknown, unknown];
  if (!isNode(target) || target.op !== 'id' || target.args !== 'inputs' || bound.has('inputs')) return undefined;
  return node.op === '.' || node.op === '.?' ? (key as string) : literalString(key);
}

function isNullLiteral(node: unknown): boolean {
  return isNode(node) && node.op === 'value' && node.args === null;
}
