import { isNode, literalString, MACROS, type CelVisit } from './cel-ast.js';
import { inputRead } from './null-guards.js';
import { isRecord } from './values.js';

/**
 * A part of a list or mapping input an expression reads: `each` of its items (a macro's variable over it:
 * `inputs.ports.all(p, p < 1024)`, which over a mapping are its keys), or what an index or field of it holds
 * (`inputs.ports[0]`, `inputs.limits.cpu`), `at` a key written in the expression, any of them when it is computed.
 * `variable`: the macro's variable that stands for each. `written`: the read as the expression writes it (`inputs.limits[k]`).
 * `asText`: read as text (`t.startsWith("v")`, `t + "-x"`, `inputs.tags.join(",")`), not as a number; `joined`: the join call.
 */
export type InputMember = {
  readonly input: string;
  readonly via: 'each' | 'index';
  readonly at?: string | number;
  readonly variable?: string;
  readonly written?: string;
  readonly asText?: boolean;
  /** The whole list joined (`inputs.ports.join(",")`), as written: its items are converted inside the call, not one by one. */
  readonly joined?: string;
  /** A list inside the input joined (`inputs.cfg.ports.join(",")`): the keys on the way to it, `null` for any (joined-lists.ts). */
  readonly within?: readonly (string | number | null)[];
  /** Only the items a filter keeps are joined (`inputs.ports.filter(p, p > 1).join(",")`). */
  readonly kept?: boolean;
  /** Each item is turned into this kind by a map before the join (`inputs.ports.map(p, p * 2).join(",")`). */
  readonly mapped?: 'number' | 'text' | 'boolean';
};

/** What a node stands for of the plan's inputs: an input itself, or a member of one. */
export type InputSubject = { readonly input: string; readonly member?: InputMember; readonly subset?: boolean };

/**
 * What each macro variable in scope stands for, innermost last, as an expression's tree is walked depth first.
 * A variable over something other than a list or mapping input stands for nothing known (it hides an outer one).
 */
export class MacroScope {
  private readonly variables: { readonly name: string; readonly subject: InputSubject | undefined }[] = [];

  /**
   * Walks a method call as visitMethodCall does, with a macro's variable standing, in its body, for the items of
   * the input the macro runs over.
   */
  visitMethodCall(args: unknown, bound: ReadonlySet<string>, visit: CelVisit): void {
    const [name, receiver, callArgs] = args as [string, unknown, unknown[]];
    visit(receiver, bound);
    const first = callArgs[0];
    if (!(MACROS.has(name) && callArgs.length >= 2 && isNode(first) && first.op === 'id')) return visit(callArgs, bound);
    const variable = first.args as string;
    const over = this.subjectOf(receiver, bound);
    // Over a filter's result the variable may never meet an item the filter leaves out (`v != "auto"`): not told apart.
    this.variables.push({ name: variable, subject: over && over.member === undefined && !over.subset ? { input: over.input, member: { input: over.input, via: 'each', variable } } : undefined });
    try {
      const inner = new Set(bound).add(variable);
      for (const arg of callArgs.slice(1)) visit(arg, inner);
    } finally {
      this.variables.pop();
    }
  }

  /**
   * What `node` reads of the inputs: `inputs.x` (or `dyn(inputs.x)`, which is the same value), a macro variable
   * over a list input, an index or field of an input (`inputs.ports[0]`), a filter of one (its items are the
   * input's). Undefined for anything else, deeper parts (`inputs.matrix[0][1]`) included.
   */
  subjectOf(node: unknown, bound: ReadonlySet<string>): InputSubject | undefined {
    const input = inputRead(node, bound);
    if (input !== undefined) return { input };
    if (!isNode(node)) return undefined;
    const { op, args } = node;
    if (op === 'call') {
      const [name, callArgs] = args as [string, unknown[]];
      return name === 'dyn' && callArgs.length === 1 ? this.subjectOf(callArgs[0], bound) : undefined;
    }
    if (op === 'id') {
      if (!bound.has(args as string)) return undefined;
      for (let i = this.variables.length - 1; i >= 0; i--) if (this.variables[i]!.name === args) return this.variables[i]!.subject;
      return undefined;
    }
    if (op === '.' || op === '.?' || op === '[]' || op === '[?]') {
      const [target, key] = args as [unknown, unknown];
      const of = this.subjectOf(target, bound);
      if (of === undefined || of.member !== undefined) return undefined;
      // An index of a filtered list is some item the filter kept, which may never be the bad one.
      if (of.subset) return undefined;
      const at = op === '.' || op === '.?' ? (key as string) : literalKey(key);
      return { input: of.input, member: { input: of.input, via: 'index', ...(at === undefined ? {} : { at }) } };
    }
    if (op === 'rcall') {
      const [name, receiver] = args as [string, unknown];
      const of = name === 'filter' ? this.subjectOf(receiver, bound) : undefined;
      return of !== undefined && of.member === undefined ? { input: of.input, subset: true } : undefined;
    }
    return undefined;
  }
}

function literalKey(node: unknown): string | number | undefined {
  const text = literalString(node);
  if (text !== undefined) return text;
  return isNode(node) && node.op === 'value' && typeof node.args === 'bigint' ? Number(node.args) : undefined;
}

/**
 * The values a member of an input stands for, with where each is (`[1]`, `["cpu"]`), given the input's value:
 * a list's items, a mapping's keys for a macro's variable and its values for an index, the one at a written key.
 * None when the value is no list or mapping, or has nothing at the key: the read fails otherwise than as a number.
 */
export function memberValues(value: unknown, member: InputMember): { readonly at: string | number; readonly value: unknown }[] {
  const { via, at } = member;
  if (Array.isArray(value)) {
    if (at === undefined) return value.map((item, index) => ({ at: index, value: item }));
    return typeof at === 'number' && at >= 0 && at < value.length ? [{ at, value: value[at] }] : [];
  }
  if (!isRecord(value)) return [];
  if (via === 'each') return Object.keys(value).map((key) => ({ at: key, value: key }));
  if (at === undefined) return Object.keys(value).map((key) => ({ at: key, value: value[key] }));
  return typeof at === 'string' && Object.hasOwn(value, at) ? [{ at, value: value[at] }] : [];
}
