import { isNode, MACROS, type Node } from './cel-ast.js';
import { inputRead } from './null-guards.js';

/** CEL operators defined only on numbers (`+` also joins text, `<` also orders it). */
const NUMBER_ONLY = new Set(['-', '*', '/', '%']);
/** Operators that take a number on one side when the other side is one. */
const WITH_A_NUMBER = new Set(['<', '<=', '>', '>=', '==', '!=', '+', '-', '*', '/', '%']);

/**
 * The inputs an expression reads as numbers: compared with or added to a number written in it
 * (`inputs.replicas > 2`, `2.0 <= inputs.ratio`, `inputs.port + 1`), or an operand of arithmetic only numbers
 * have (`inputs.a * inputs.b`, `-inputs.n`). Text there fails the step only when it runs (`dyn<string> > int`).
 */
export function numberReadsOf(ast: Node): string[] {
  const reads = new Set<string>();
  const visit = (node: unknown, bound: ReadonlySet<string>): void => {
    if (!isNode(node)) {
      if (Array.isArray(node)) for (const child of node) visit(child, bound);
      return;
    }
    const { op, args } = node;
    if (op === '-_') {
      const input = inputRead(args, bound);
      if (input !== undefined) reads.add(input);
    } else if (WITH_A_NUMBER.has(op) && Array.isArray(args) && args.length === 2) {
      const [left, right] = args as [unknown, unknown];
      for (const [side, other] of [[left, right], [right, left]] as const) {
        const input = inputRead(side, bound);
        if (input !== undefined && (NUMBER_ONLY.has(op) || isNumberLiteral(other))) reads.add(input);
      }
    } else if (op === 'rcall') {
      const [name, receiver, callArgs] = args as [string, unknown, unknown[]];
      visit(receiver, bound);
      const first = callArgs[0];
      if (MACROS.has(name) && callArgs.length >= 2 && isNode(first) && first.op === 'id') {
        const inner = new Set(bound).add(first.args as string);
        for (const arg of callArgs.slice(1)) visit(arg, inner);
      } else visit(callArgs, bound);
      return;
    }
    if (op === 'id' || op === 'value') return;
    if (op === 'call') return visit((args as [string, unknown[]])[1], bound);
    visit(args, bound);
  };
  visit(ast, new Set());
  return [...reads];
}

/** `2`, `2.5`, `-2` (a negative literal parses as a minus on one). */
function isNumberLiteral(node: unknown): boolean {
  if (!isNode(node)) return false;
  if (node.op === '-_') return isNumberLiteral(node.args);
  return node.op === 'value' && (typeof node.args === 'number' || typeof node.args === 'bigint');
}
