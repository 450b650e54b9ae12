/** The syntax tree cel-js parses an expression into, as far as ksa reads it. */
export type Node = { op: string; args: unknown };

/** Macros whose first argument names a variable bound in the rest (`list.map(x, x + 1)`). */
export const MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

/**
 * Walks a method call (`receiver.name(args)`): a macro's body is walked with its
 * variable bound, so `items.all(x, x > 1)` does not read as a read of `x`.
 */
export function visitMethodCall(args: unknown, bound: ReadonlySet<string>, visit: (node: unknown, bound: ReadonlySet<string>) => void): void {
  const [name, receiver, callArgs] = args as [string, unknown, unknown[]];
  visit(receiver, bound);
  const first = callArgs[0];
  if (MACROS.has(name) && callArgs.length >= 2 && isNode(first) && first.op === 'id') {
    const inner = new Set(bound).add(first.args as string);
    for (const arg of callArgs.slice(1)) visit(arg, inner);
    return;
  }
  visit(callArgs, bound);
}

export function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'op' in value && 'args' in value;
}

export function literalString(node: unknown): string | undefined {
  return isNode(node) && node.op === 'value' && typeof node.args === 'string' ? node.args : undefined;
}
