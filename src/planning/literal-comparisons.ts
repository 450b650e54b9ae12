import type { LiteralComparison, LiteralKind } from './number-reads.js';
import { memberValues } from './input-members.js';
import { readsAsNumber } from './number-inputs.js';
import { mayQuote } from './quotable-values.js';
import { isRecord } from './values.js';

/** An expression testing an input, or an item of one, for being equal to a value written in it, and where it is: its step and field. */
export type LiteralComparisonSite = LiteralComparison & { readonly source: string; readonly stepId: string; readonly path: readonly (string | number)[] };

/** Something the plan runs as written but likely not as meant: said, not refused. */
export type ValidationWarning = { readonly path: readonly (string | number)[]; readonly message: string };

/**
 * Each test of an input for being equal to a value of another kind than it holds: CEL finds no text equal to a
 * number (`inputs.env == 3` with `env: "3"`, `inputs.replicas == "3"` with `replicas: 3`) nor either equal to true
 * or false, so it is false (`!=` true) whatever the value, silently. The same for the items of a list or mapping
 * input (`inputs.tags.exists(t, t == 3)` with `tags: ["3"]`) when none is of the kind compared with. A warning, not a
 * refusal: the plan may mean it (an input only sometimes a number). The value that runs counts: the given one (a
 * number for `--input mode=3` when the plan declares no value), else the declared one; nothing is said of an input
 * without either, nor of one holding a value of the kind compared with.
 */
export function literalComparisonWarnings(
  declared: Readonly<Record<string, unknown>>,
  inputs: Readonly<Record<string, unknown>>,
  sites: readonly LiteralComparisonSite[],
): ValidationWarning[] {
  const warnings: ValidationWarning[] = [];
  const seen = new Set<string>();
  for (const site of sites) {
    const { input: name, member, kind, literal, unequal, source, stepId, path } = site;
    const given = Object.hasOwn(inputs, name);
    const value = given ? inputs[name] : Object.hasOwn(declared, name) ? declared[name] : undefined;
    const items = member === undefined ? [{ at: undefined, value }] : memberValues(value, member);
    const kinds = items.map((item) => kindOf(item.value));
    const key = JSON.stringify([name, member?.via, member?.at, literal, path]);
    if (items.length === 0 || kinds.some((held) => held === undefined || held === kind) || seen.has(key)) continue;
    // `inputs.mode == 3 || inputs.mode == "3"`: the expression also meets the kind held, so the other test is deliberate.
    if (sites.some((other) => sameExpression(other, site) && sameSubject(other, site) && kinds.includes(other.kind))) continue;
    seen.add(key);
    const held = kinds[0]!;
    const same = kinds.every((other) => other === held);
    const from = given ? 'given with --input' : "the plan's default";
    const first = items[0]!;
    // As the plan card hides a secret input's value: what it is compared with is likely that secret, in either
    // kind (`inputs.dbPassword == "24681357"` or `== 24681357`), so neither the expression nor the literal is quoted.
    const secret = !mayQuote(name, [], value);
    const expression = secret ? `an expression` : `"${source}"`;
    let subject: string;
    if (member === undefined || member.via === 'index') {
      const at = first.at === undefined ? [] : [first.at];
      const shown = !secret && mayQuote(name, at, first.value) ? `${from} ${JSON.stringify(first.value)}` : from;
      subject = `${member === undefined || !site.read ? `inputs.${name}${member?.at === undefined ? '' : `[${JSON.stringify(member.at)}]`}` : site.read} is ${KIND[held].a} (${shown}); ${expression} in step "${stepId}" compares it`;
    } else {
      const whose = isRecord(value) ? 'keys' : 'items';
      subject = `${same ? `the ${whose} of inputs.${name} are ${KIND[held].plural}` : `no ${whose.slice(0, -1)} of inputs.${name} is ${KIND[kind].a}`} (${from}); ${expression} in step "${stepId}" compares them`;
    }
    const never = same ? `${unequal ? 'unequal to any' : 'equal to no'} ${KIND[held].noun}` : `${unequal ? 'unequal to each' : 'equal to none'} of them`;
    const typeless = given && (declared[name] === null || declared[name] === undefined) && member === undefined && kind === 'text';
    const declare = typeless ? `, or declare a text default (${name}: "") for --input to keep the value as text` : '';
    warnings.push({
      path,
      message: `${subject} with ${KIND[kind].a}, which CEL finds ${never} (always ${unequal ? 'true' : 'false'}): ${secret ? secretAdvice(held) : advice(held, site)}${declare}`,
    });
  }
  return warnings;
}

const KIND: Record<LiteralKind, { readonly a: string; readonly plural: string; readonly noun: string }> = {
  number: { a: 'a number', plural: 'numbers', noun: 'number' },
  text: { a: 'text', plural: 'text', noun: 'text' },
  boolean: { a: 'true or false', plural: 'true or false', noun: 'true or false' },
};

function kindOf(value: unknown): LiteralKind | undefined {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string') return 'text';
  return typeof value === 'boolean' ? 'boolean' : undefined;
}

/** The advice without the value compared with, which may be the secret. */
function secretAdvice(held: LiteralKind): string {
  if (held === 'text') return 'compare with text (the value in quotes)';
  return held === 'number' ? 'compare with a number (the value without quotes)' : 'compare with true or false (without quotes)';
}

/** Two sites in one expression: the same step's same field. */
function sameExpression(a: LiteralComparisonSite, b: LiteralComparisonSite): boolean {
  return a.stepId === b.stepId && a.source === b.source && JSON.stringify(a.path) === JSON.stringify(b.path);
}

/** The same input, or the same part of it: its items, or what one key of it holds. */
function sameSubject(a: LiteralComparison, b: LiteralComparison): boolean {
  return a.input === b.input && a.member?.via === b.member?.via && a.member?.at === b.member?.at;
}

/** What to compare with instead: the value written as the kind held, when it plainly is one, else a conversion. */
function advice(held: LiteralKind, { kind, literal, text, read, among }: LiteralComparison): string {
  if (among && held === 'text') return 'write the list\'s items as text (in quotes)';
  if (held === 'text') {
    // A number or true/false written plainly is compared as the text it is; anything computed is turned into text where it is read.
    return kind !== 'text' && /^(?:-?\d+(?:\.\d+)?|true|false)$/.test(literal) ? `compare with '${literal}'` : `compare with string(${literal || '\u2026'})`;
  }
  if (text !== undefined && (held === 'number' ? readsAsNumber(text) : text === 'true' || text === 'false')) return `compare with ${text}`;
  if (kind === 'text') return `compare string(${read || '\u2026'}) with it`;
  return `compare with ${KIND[held].a}`;
}
