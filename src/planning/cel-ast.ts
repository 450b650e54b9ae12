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

/** Walks one node and what it holds, with the variables bound where it stands. */
export type CelVisit = (node: unknown, bound: ReadonlySet<string>) => void;

/**
 * Walks a CEL tree depth first, with macro variables bound (visitMethodCall). `at` sees each node first and returns
 * true when it has read it (it walks what it wants of the node's children itself, with `visit`); otherwise the
 * node's children are walked: a field's or index's target and index, a call's arguments, a method call's receiver
 * and arguments, an operator's operands. `bound`: the macro variables already in scope where `ast` stands, for a
 * walk of a subtree begun from another walk.
 */
export function walkCel(
  ast: unknown,
  at: (node: Node, bound: ReadonlySet<string>, visit: CelVisit) => boolean,
  bound: ReadonlySet<string> = new Set(),
): void {
  const visit: CelVisit = (node, bound) => {
    if (!isNode(node)) {
      if (Array.isArray(node)) for (const child of node) visit(child, bound);
      return;
    }
    if (at(node, bound, visit)) return;
    const { op, args } = node;
    if (op === 'id' || op === 'value') return;
    if (op === '.' || op === '.?' || op === '[]' || op === '[?]') {
      const [target, key] = args as [unknown, unknown];
      visit(target, bound);
      if (op === '[]' || op === '[?]') visit(key, bound);
      return;
    }
    if (op === 'rcall') return visitMethodCall(args, bound, visit);
    if (op === 'call') return visit((args as [string, unknown[]])[1], bound);
    visit(args, bound);
  };
  visit(ast, bound);
}

export function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'op' in value && 'args' in value;
}

export function literalString(node: unknown): string | undefined {
  return isNode(node) && node.op === 'value' && typeof node.args === 'string' ? node.args : undefined;
}
