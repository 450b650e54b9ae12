import { type CelVisit, isNode, type Node, walkCel } from './cel-ast.js';
import { inputRead } from './null-guards.js';

/**
 * Inputs and numbers computed together in one expression (`inputs.a + inputs.b * 2`). CEL has no arithmetic
 * between an int and a double (`10 + 9.5` fails: "no such overload"), and ksa hands a whole number on as an int,
 * so such inputs must be doubles together when one of them is not whole. `whole`: an int is in it that no input
 * value changes (`2`, `size(x)`); `fraction`: a double is (`2.5`, `double(x)`); `remainder`: `%`, which CEL has for
 * ints only.
 */
export type ArithmeticGroup = {
  readonly inputs: readonly string[];
  readonly whole: boolean;
  readonly fraction: boolean;
  readonly remainder: boolean;
};

const ARITHMETIC = new Set(['+', '-', '*', '/', '%']);
const WHOLE_CALLS = new Set(['size', 'int', 'uint']);

type Building = { inputs: Set<string>; whole: boolean; fraction: boolean; remainder: boolean };

export function arithmeticGroupsOf(ast: Node): ArithmeticGroup[] {
  const groups: ArithmeticGroup[] = [];
  walkCel(ast, (node, bound, visit) => {
    if (!isArithmetic(node)) return false;
    const group: Building = { inputs: new Set(), whole: false, fraction: false, remainder: false };
    gather(node, group, bound, visit);
    if (group.inputs.size > 0) groups.push({ ...group, inputs: [...group.inputs] });
    return true;
  });
  return groups;
}

// Down through arithmetic only: what is computed some other way (a step's output, a ternary) is walked on
// for groups of its own.
function gather(node: unknown, group: Building, bound: ReadonlySet<string>, visit: CelVisit): void {
  const input = inputRead(node, bound);
  if (input !== undefined) {
    group.inputs.add(input);
    return;
  }
  if (!isNode(node)) return;
  if (isArithmetic(node)) {
    if (node.op === '%') group.remainder = true;
    // A minus sign holds its one operand itself, not in a list.
    for (const operand of node.op === '-_' ? [node.args] : (node.args as unknown[])) gather(operand, group, bound, visit);
    return;
  }
  if (node.op === 'value' && typeof node.args === 'bigint') group.whole = true;
  else if (node.op === 'value' && typeof node.args === 'number') group.fraction = true;
  else if (node.op === 'call' && WHOLE_CALLS.has((node.args as [string])[0])) group.whole = true;
  else if (node.op === 'call' && (node.args as [string])[0] === 'double') group.fraction = true;
  visit(node, bound);
}

function isArithmetic(node: Node): boolean {
  return node.op === '-_' || (ARITHMETIC.has(node.op) && Array.isArray(node.args) && node.args.length === 2);
}

/**
 * The inputs an expression must read as doubles: every input of a group whose inputs all hold numbers, when one
 * of them is not whole, the group has a double in it, or one of its inputs is a double for another group.
 */
export function doubleInputsOf(groups: readonly ArithmeticGroup[], valueOf: (name: string) => unknown): Set<string> {
  const doubles = new Set<string>();
  const numbers = groups.filter((group) => group.inputs.every((name) => typeof valueOf(name) === 'number'));
  for (let changed = true; changed; ) {
    changed = false;
    for (const group of numbers) {
      if (group.inputs.every((name) => doubles.has(name))) continue;
      if (!group.fraction && !group.inputs.some((name) => doubles.has(name) || !Number.isInteger(valueOf(name)))) continue;
      for (const name of group.inputs) doubles.add(name);
      changed = true;
    }
  }
  return doubles;
}

/**
 * Why the expression cannot compute with these values (an input that must be a double in a group with an int
 * in it, or with `%`), naming the input that made it one; undefined when it can.
 */
export function arithmeticProblem(groups: readonly ArithmeticGroup[], valueOf: (name: string) => unknown): string | undefined {
  const doubles = doubleInputsOf(groups, valueOf);
  for (const group of groups) {
    if (!group.inputs.some((name) => doubles.has(name)) || !(group.whole || group.remainder)) continue;
    const cause = group.inputs.find((name) => doubles.has(name) && !Number.isInteger(valueOf(name))) ?? [...doubles].find((name) => !Number.isInteger(valueOf(name)));
    const why = cause === undefined ? `inputs.${group.inputs[0]} is computed with a decimal number in it` : `inputs.${cause} is not a whole number`;
    // The value itself is not shown: the input may be a secret.
    return group.remainder
      ? `${why}, and CEL has % for whole numbers only`
      : `${why}, and CEL does not compute a whole number with a decimal one: write the whole numbers in it as decimals (2.0 for 2)`;
  }
  return undefined;
}
