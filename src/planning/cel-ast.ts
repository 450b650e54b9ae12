/** The syntax tree cel-js parses an expression into, as far as ksa reads it. */
export type Node = { op: string; args: unknown };

/** Macros whose first argument names a variable bound in the rest (`list.map(x, x + 1)`). */
export const MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

export function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'op' in value && 'args' in value;
}

export function literalString(node: unknown): string | undefined {
  return isNode(node) && node.op === 'value' && typeof node.args === 'string' ? node.args : undefined;
}
