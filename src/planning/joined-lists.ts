import { isNode, literalString, type Node } from './cel-ast.js';
import type { InputMember, MacroScope } from './input-members.js';
import { isRecord } from './values.js';

/** The kinds of value a CEL expression yields whatever the inputs hold, as far as ksa tells (`string(p)`: text). */
export type ItemKind = 'number' | 'text' | 'boolean';

/**
 * A list an expression builds from an input, followed as far as its items are known: the input's own items, or
 * those of a list inside it (`within`: the keys on the way, `null` for one computed or a macro's variable over a
 * list), perhaps only some of them (`kept`: by a filter), perhaps each turned into another kind (`mapped`: by a map
 * whose body is of a known kind, `map(p, p * 2)`).
 */
export type InputList = {
  readonly input: string;
  readonly within: readonly (string | number | null)[];
  readonly kept: boolean;
  readonly mapped?: ItemKind;
};

/**
 * The input list `node` stands for (`inputs.ports`, `inputs.cfg.ports`, `inputs.ports.filter(p, p > 1)`,
 * `inputs.ports.map(p, p)`), or undefined when what its items are is not known before the run: a map to items of
 * no known kind, an item picked out of a filtered or mapped list, anything not built from an input.
 * `kindOf`: the kind a map's body yields whatever the inputs hold, undefined when not known.
 */
export function inputListOf(node: unknown, bound: ReadonlySet<string>, scope: MacroScope, kindOf: (node: unknown) => ItemKind | undefined): InputList | undefined {
  const subject = scope.subjectOf(node, bound);
  if (subject !== undefined && !subject.subset) {
    if (subject.member === undefined) return { input: subject.input, within: [], kept: false };
    // A macro's variable over a list stands for each of its items.
    if (subject.member.via === 'each' && subject.member.at === undefined) return { input: subject.input, within: [null], kept: false };
  }
  if (!isNode(node)) return undefined;
  const { op, args } = node;
  if (op === 'call') {
    const [name, callArgs] = args as [string, unknown[]];
    return name === 'dyn' && callArgs.length === 1 ? inputListOf(callArgs[0], bound, scope, kindOf) : undefined;
  }
  if (op === '.' || op === '.?' || op === '[]' || op === '[?]') {
    const [target, key] = args as [unknown, unknown];
    const of = inputListOf(target, bound, scope, kindOf);
    // An item of a filtered or mapped list is some item the run picks: not told before it.
    if (of === undefined || of.kept || of.mapped !== undefined) return undefined;
    // A key computed at run time (`groups[inputs.which]`) picks one entry ksa cannot tell before the run.
    const at = op === '.' || op === '.?' ? (key as string) : literalKey(key);
    return at === undefined ? undefined : { ...of, within: [...of.within, at] };
  }
  if (op !== 'rcall') return undefined;
  const [name, receiver, callArgs] = args as [string, unknown, unknown[]];
  if (name !== 'filter' && name !== 'map') return undefined;
  const of = inputListOf(receiver, bound, scope, kindOf);
  const variable = callArgs[0];
  if (of === undefined || !isNode(variable) || variable.op !== 'id') return undefined;
  if (name === 'filter') return callArgs.length === 2 ? { ...of, kept: true } : undefined;
  // `map(p, cond, body)` keeps the items its condition holds for, then maps them.
  const body = callArgs.at(-1);
  const kept = of.kept || callArgs.length === 3;
  if (isVariable(body, variable.args as string)) return { ...of, kept };
  const mapped = kindOf(body);
  return mapped === undefined ? undefined : { ...of, kept, mapped };
}

/** `p` or `dyn(p)`: the map's own variable, the item itself. */
function isVariable(node: unknown, variable: string): boolean {
  if (!isNode(node)) return false;
  if (node.op === 'id') return node.args === variable;
  const [name, args] = node.args as [string, unknown[]];
  return node.op === 'call' && name === 'dyn' && args.length === 1 && isVariable(args[0], variable);
}

function literalKey(node: unknown): string | number | undefined {
  const text = literalString(node);
  if (text !== undefined) return text;
  return isNode(node) && (node as Node).op === 'value' && typeof node.args === 'bigint' ? Number(node.args) : undefined;
}

/** An item of a joined list, where it is in the input (`["ports", 0]`) and what it holds. */
export type JoinedItem = { readonly at: readonly (string | number)[]; readonly value: unknown };

/**
 * The items a joined member of an input reads, given the input's value: those of each list reached by its keys
 * (a mapping's keys when it ends at a mapping, which are text). None when nothing is there to join: the read
 * fails otherwise than on an item's kind.
 */
export function joinedItems(value: unknown, member: InputMember): JoinedItem[] {
  let reached: JoinedItem[] = [{ at: [], value }];
  for (const key of member.within ?? []) {
    const next: JoinedItem[] = [];
    for (const { at, value: container } of reached) {
      if (Array.isArray(container)) {
        if (key === null) container.forEach((item, index) => next.push({ at: [...at, index], value: item }));
        else if (typeof key === 'number' && key >= 0 && key < container.length) next.push({ at: [...at, key], value: container[key] });
      } else if (isRecord(container)) {
        if (key === null) for (const name of Object.keys(container)) next.push({ at: [...at, name], value: container[name] });
        else if (typeof key === 'string' && Object.hasOwn(container, key)) next.push({ at: [...at, key], value: container[key] });
      }
    }
    reached = next;
  }
  const items: JoinedItem[] = [];
  for (const { at, value: list } of reached) {
    if (Array.isArray(list)) list.forEach((item, index) => items.push({ at: [...at, index], value: item }));
    else if (isRecord(list)) for (const name of Object.keys(list)) items.push({ at: [...at, name], value: name });
  }
  return items;
}

/**
 * The item that makes a join fail mid-run, if the values tell: the first one not text. After a map to items of
 * another kind than text, any item there is, which the map turns into that kind. Never over a filter's result: the
 * filter may keep just the text ones, or nothing, which joins.
 */
export function unjoinableItem(value: unknown, member: InputMember): JoinedItem | undefined {
  if (member.kept) return undefined;
  const items = joinedItems(value, member);
  if (member.mapped !== undefined) return member.mapped === 'text' ? undefined : items[0];
  return items.find((item) => typeof item.value !== 'string');
}
