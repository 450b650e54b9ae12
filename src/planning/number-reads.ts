import { isNode, type Node, walkCel } from './cel-ast.js';
import { MacroScope, type InputMember, type InputSubject } from './input-members.js';
import { inputRead } from './null-guards.js';
import { arithmeticGroupsOf, type ArithmeticGroup } from './arithmetic-groups.js';
import { inputListOf } from './joined-lists.js';

/** CEL operators defined only on numbers (`+` also joins text, `<` also orders it). */
const NUMBER_ONLY = new Set(['-', '*', '/', '%']);
/** Operators that take a number on one side when the other side is one. */
const WITH_A_NUMBER = new Set(['<', '<=', '>', '>=', '+', '-', '*', '/', '%']);
/** CEL answers these for a number and any other value (`"abc" == 3` is false): they read no number, they compare with one. */
const EQUALITY = new Set(['==', '!=']);

/** Operators that fail on a number and a text (`==` and `!=` do not: `3 == "v3"` is false, a fair answer). */
const ORDER_OR_PLUS = new Set(['<', '<=', '>', '>=', '+']);

/**
 * What an expression reads as numbers. `inputs`: each input compared with or added to a number written in it
 * (`inputs.replicas > 2`, `2.0 <= inputs.ratio`, `inputs.port + 1`, `inputs.n > inputs.m * 2`), or an operand
 * of arithmetic only numbers have (`inputs.a * inputs.b`, `-inputs.n`). `pairs`: two inputs ordered or added with
 * each other (`inputs.a > inputs.b`): either is read as a number when the other is one, which only their values
 * tell (two texts order and join fine). Text where a number is read fails the step only when it runs. `groups`: the
 * inputs computed together, which are doubles together when one is not whole. `equals`: inputs tested for being equal
 * to a number (`inputs.ratio == 2.5`): other text is just not equal, but a number written plainly is meant as one.
 */
export type NumberReads = {
  readonly inputs: readonly string[];
  readonly pairs: readonly (readonly [string, string])[];
  readonly groups: readonly ArithmeticGroup[];
  readonly equals: readonly string[];
  /**
   * Parts of list and mapping inputs read as numbers, as `inputs` are: a macro's variable over one
   * (`inputs.ports.all(p, p < 1024)`), an index of one (`inputs.ports[0] + 1`).
   */
  readonly members: readonly InputMember[];
  /** Each test of an input, or an item of one, for being equal to a number, a text or true/false written in the expression. */
  readonly comparisons: readonly LiteralComparison[];
};

/** The kinds of value CEL finds never equal to one another (`3 == "3"` is false), which an expression may write. */
export type LiteralKind = 'number' | 'text' | 'boolean';

/**
 * `inputs.env == 3`, `inputs.tags.exists(t, t == "a")`: what is compared (`member`: an item of the input), with what
 * kind of value, as written (`literal`: `3`, `"a"`; `text`: the text a quoted literal holds), the read as written
 * (`read`: `inputs.env`, `t`), and whether it is `!=`.
 */
export type LiteralComparison = {
  readonly input: string;
  readonly member?: InputMember;
  readonly kind: LiteralKind;
  readonly literal: string;
  readonly text?: string;
  readonly read: string;
  readonly unequal: boolean;
  /** An `in` test against a list written in the expression (`inputs.env in ["prod", "staging"]`): `literal` is the list. */
  readonly among?: boolean;
};
export const NO_NUMBER_READS: NumberReads = { inputs: [], pairs: [], groups: [], equals: [], members: [], comparisons: [] };

/** `source`: the expression as written, where the values compared with are quoted from. */
export function numberReadsOf(ast: Node, source = ''): NumberReads {
  const comparisons: LiteralComparison[] = [];
  const reads = new Set<string>();
  const equals = new Set<string>();
  const pairs: [string, string][] = [];
  const members = new Map<string, InputMember>();
  const scope = new MacroScope();
  // What the other side of each `&&`, `||` and the condition of each `?:` around the node walked read of the inputs.
  const guards: Mention[][] = [];
  const read = (subject: InputSubject | undefined, node: unknown, asText = false) => {
    if (subject?.member !== undefined) {
      const member = asText ? { ...subject.member, asText } : subject.member;
      if (guards.some((mentions) => mentions.some((mention) => mayGuard(mention, member)))) return;
      const written = writtenIn(source, node);
      const found = written === '' ? member : { ...member, written };
      members.set(JSON.stringify(found), found);
    } else if (subject !== undefined && !subject.subset && !asText) reads.add(subject.input);
  };
  const guarded = (node: unknown, by: unknown, bound: ReadonlySet<string>, visit: (node: unknown, bound: ReadonlySet<string>) => void) => {
    guards.push(mentionsIn(by, bound, scope));
    try {
      visit(node, bound);
    } finally {
      guards.pop();
    }
  };
  // `type(inputs.level) == type("") ? inputs.level == "3" : inputs.level == 3`: an input whose kind the expression
  // tests is meant to hold either, so none of its comparisons is always false.
  const typed = new Set<string>();
  walkCel(ast, (node, bound, visit) => {
    const { op, args } = node;
    if (op === 'call' && (args as [string, unknown[]])[0] === 'type') {
      for (const arg of (args as [string, unknown[]])[1]) {
        const subject = scope.subjectOf(arg, bound);
        if (subject !== undefined) typed.add(subject.input);
      }
    }
    if (op === 'rcall') {
      // Text's own functions fail on a number item (`int.startsWith(string)`), a list's join on any item not text.
      const [name, receiver] = args as [string, unknown];
      if (TEXT_METHODS.has(name)) read(scope.subjectOf(receiver, bound), receiver, true);
      // The list joined may be one inside the input, filtered or mapped: its items are followed as far as they are known.
      const joined = name === 'join' ? inputListOf(receiver, bound, scope, literalKindOf) : undefined;
      if (joined !== undefined && joined.mapped !== 'text') {
        const call = writtenIn(source, node);
        const { input, within, kept, mapped } = joined;
        const how = { ...(within.length === 0 ? {} : { within }), ...(kept ? { kept } : {}), ...(mapped === undefined ? {} : { mapped }) };
        read({ input, member: { input, via: 'each', ...how, ...(call === '' ? {} : { joined: call }) } }, receiver, true);
      }
      scope.visitMethodCall(args, bound, visit);
      return true;
    }
    // CEL's `&&` and `||` take their answer from either side when it decides alone, an error on the other side
    // included; a `?:` reads only the branch its condition picks. A read with a test of the same input beside it
    // may never meet the bad item (`inputs.limits.memory == null || inputs.limits.memory > 1`).
    if (op === '&&' || op === '||') {
      const [left, right] = args as [unknown, unknown];
      guarded(left, right, bound, visit);
      guarded(right, left, bound, visit);
      return true;
    }
    if (op === '?:') {
      const [condition, then, otherwise] = args as [unknown, unknown, unknown];
      visit(condition, bound);
      guarded(then, condition, bound, visit);
      guarded(otherwise, condition, bound, visit);
      return true;
    }
    if (op === '-_') {
      read(scope.subjectOf(args, bound), args);
    } else if (WITH_A_NUMBER.has(op) && Array.isArray(args) && args.length === 2) {
      const [left, right] = args as [unknown, unknown];
      for (const [side, other] of [[left, right], [right, left]] as const) {
        if (NUMBER_ONLY.has(op) || isNumberValued(other)) read(scope.subjectOf(side, bound), side);
        else if (ORDER_OR_PLUS.has(op) && isTextValued(other)) read(scope.subjectOf(side, bound), side, true);
      }
      const [first, second] = [inputRead(left, bound), inputRead(right, bound)];
      if (first !== undefined && second !== undefined && ORDER_OR_PLUS.has(op)) pairs.push([first, second]);
    } else if (EQUALITY.has(op) && Array.isArray(args) && args.length === 2) {
      const [left, right] = args as [unknown, unknown];
      for (const [side, other] of [[left, right], [right, left]] as const) {
        const input = inputRead(side, bound);
        if (input !== undefined && isNumberValued(other)) equals.add(input);
        const subject = scope.subjectOf(side, bound);
        const kind = literalKindOf(other);
        // Over a filter's result the items compared are those it kept, which are not known before the run.
        if (subject === undefined || subject.subset || kind === undefined) continue;
        const text = isNode(other) && other.op === 'value' && typeof other.args === 'string' ? { text: other.args } : {};
        const member = subject.member === undefined ? {} : { member: subject.member };
        comparisons.push({ input: subject.input, ...member, kind, literal: writtenIn(source, other), ...text, read: writtenIn(source, side), unequal: op === '!=' });
      }
    } else if (op === 'in' && Array.isArray(args) && args.length === 2) {
      // `inputs.env in ["prod", "staging"]` is an equality test with each item: against items written all of kinds
      // the input does not hold, it is never in the list.
      const [side, list] = args as [unknown, unknown];
      const subject = scope.subjectOf(side, bound);
      const items = isNode(list) && list.op === 'list' ? (list.args as unknown[]) : [];
      const kinds = items.map(literalKindOf);
      if (subject !== undefined && !subject.subset && items.length > 0 && kinds.every((kind) => kind !== undefined)) {
        const member = subject.member === undefined ? {} : { member: subject.member };
        for (const kind of new Set(kinds)) {
          comparisons.push({ input: subject.input, ...member, kind: kind!, literal: writtenIn(source, list), read: writtenIn(source, side), unequal: false, among: true });
        }
      }
    }
    return false;
  });
  const untyped = comparisons.filter((comparison) => !typed.has(comparison.input));
  return { inputs: [...reads], pairs, groups: arithmeticGroupsOf(ast), equals: [...equals], members: [...members.values()], comparisons: untyped };
}

/**
 * What is a number whatever the inputs hold: `2`, `2.5`, `-2` (a negative literal parses as a minus on one), arithmetic only
 * numbers have (`inputs.m * 2`, `-inputs.n`), a sum with such a side (`inputs.m * 2 + 1`), and `size(…)`, `int(…)`, `double(…)`.
 */
function isNumberValued(node: unknown): boolean {
  if (!isNode(node)) return false;
  if (node.op === '-_') return true;
  if (NUMBER_ONLY.has(node.op)) return true;
  if (node.op === '+') return (node.args as unknown[]).some((side) => isNumberValued(side));
  if (node.op === 'call') return NUMBER_CALLS.has((node.args as [string, unknown[]])[0]);
  return node.op === 'value' && (typeof node.args === 'number' || typeof node.args === 'bigint');
}

/** What kind of value a node is whatever the inputs hold: a number (isNumberValued), a text (`"3"`, `string(…)`, `"v" + …`), true or false. */
function literalKindOf(node: unknown): LiteralKind | undefined {
  if (isNumberValued(node)) return 'number';
  if (isTextValued(node)) return 'text';
  return isNode(node) && node.op === 'value' && typeof node.args === 'boolean' ? 'boolean' : undefined;
}

function isTextValued(node: unknown): boolean {
  if (!isNode(node)) return false;
  if (node.op === 'value') return typeof node.args === 'string';
  if (node.op === '+') return (node.args as unknown[]).some((side) => isTextValued(side));
  return node.op === 'call' && (node.args as [string, unknown[]])[0] === 'string';
}

/** The text of a node as the expression writes it (cel-js keeps where each node starts and ends). */
function writtenIn(source: string, node: unknown): string {
  const { start, end } = node as { start?: unknown; end?: unknown };
  return typeof start === 'number' && typeof end === 'number' && end > start ? source.slice(start, end).trim() : '';
}

const NUMBER_CALLS = new Set(['size', 'int', 'uint', 'double']);
/** Methods CEL has for text only (`size` is a list's too). */
const TEXT_METHODS = new Set(['startsWith', 'endsWith', 'contains', 'matches', 'lowerAscii', 'upperAscii', 'trim', 'replace', 'split', 'substring', 'charAt', 'indexOf', 'lastIndexOf']);

/** An input an expression reads, or a part of one (`at`: a key written in it; none: any part, or all of it). */
type Mention = { readonly input: string; readonly at?: string | number };

/** Each input, or part of one, `node` reads: a test of it may keep a read beside it from meeting a bad item. */
function mentionsIn(node: unknown, bound: ReadonlySet<string>, scope: MacroScope): Mention[] {
  const mentions: Mention[] = [];
  walkCel(
    node,
    (inner, innerBound) => {
      const subject = scope.subjectOf(inner, innerBound);
      if (subject === undefined) return false;
      // `inputs.limits.cpu` reads that key only, not the whole of `inputs.limits` it is written on.
      mentions.push({ input: subject.input, ...(subject.member?.at === undefined ? {} : { at: subject.member.at }) });
      return true;
    },
    bound,
  );
  return mentions;
}

/** Whether a read of a part of an input may be kept from the bad item by a test of that mention: unsure counts as may. */
function mayGuard(mention: Mention, member: InputMember): boolean {
  return mention.input === member.input && (mention.at === undefined || member.at === undefined || mention.at === member.at);
}
