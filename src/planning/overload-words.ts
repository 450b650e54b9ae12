/**
 * CEL's "no such overload: dyn<string> + dyn<int>" said with what the expression wrote on each side and what each
 * held: `inputs.a is text and steps.x.output.n is a whole number, which CEL does not add (no such overload: string + int)`.
 * Its types are what the values were when the step ran (a step's output has no type before), so this is all there is
 * to say then; undefined for any other error.
 */
export function overloadProblem(error: unknown): string | undefined {
  const { code, node, message } = (error ?? {}) as { code?: unknown; node?: OverloadNode; message?: unknown };
  if (code !== 'no_such_overload' || node === undefined || typeof node.input !== 'string' || typeof message !== 'string') return undefined;
  const head = message.split('\n', 1)[0]!.replace(/^no such overload: /, '');
  const source = node.input;
  const text = (operand: OverloadNode | undefined) => (typeof operand?.start === 'number' && typeof operand.end === 'number' ? source.slice(operand.start, operand.end).trim() : undefined);
  if (node.op === '-_' || node.op === '!_') {
    const operand = text(node.args as OverloadNode);
    const type = head.slice(1);
    if (operand === undefined) return undefined;
    return `${operand} is ${typeWords(type)}, which CEL does not ${node.op === '-_' ? 'negate' : 'negate with !'} (no such overload: ${head.replace(/dyn<(.*)>/g, '$1')})`;
  }
  const [left, right] = Array.isArray(node.args) ? (node.args as OverloadNode[]) : [];
  const split = head.indexOf(` ${node.op} `);
  const [leftText, rightText] = [text(left), text(right)];
  if (split < 0 || leftText === undefined || rightText === undefined) return undefined;
  const [leftType, rightType] = [head.slice(0, split), head.slice(split + node.op.length + 2)];
  const verb = VERBS[node.op] ?? `combine with ${node.op}`;
  return `${leftText} is ${typeWords(leftType)} and ${rightText} is ${typeWords(rightType)}, which CEL does not ${verb} (no such overload: ${plainType(leftType)} ${node.op} ${plainType(rightType)})`;
}

type OverloadNode = { readonly op: string; readonly args: unknown; readonly input?: unknown; readonly start?: unknown; readonly end?: unknown };

const VERBS: Readonly<Record<string, string>> = {
  '+': 'add',
  '-': 'subtract',
  '*': 'multiply',
  '/': 'divide',
  '%': 'take a remainder of',
  '<': 'order',
  '<=': 'order',
  '>': 'order',
  '>=': 'order',
  '==': 'compare',
  '!=': 'compare',
  in: 'look up with in',
};

/** `dyn<list<int>>` is what a value read from a step or an input was: a list of whole numbers. */
function plainType(type: string): string {
  const dynamic = /^dyn<(.*)>$/.exec(type);
  return dynamic ? dynamic[1]! : type;
}

function typeWords(type: string): string {
  const plain = plainType(type);
  const base = plain.split('<', 1)[0]!;
  return TYPE_WORDS[base] ?? `a ${plain}`;
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'text',
  int: 'a whole number',
  uint: 'an unsigned whole number',
  double: 'a decimal number',
  bool: 'true or false',
  null: 'null',
  list: 'a list',
  map: 'a mapping',
  bytes: 'bytes',
  'google.protobuf.Timestamp': 'a timestamp',
  'google.protobuf.Duration': 'a duration',
};
