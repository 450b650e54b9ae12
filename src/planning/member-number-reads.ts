import { kindWords } from './declared-number-reads.js';
import { memberValues, type InputMember } from './input-members.js';
import { unjoinableItem, type JoinedItem } from './joined-lists.js';
import { readsAsNumber } from './number-inputs.js';
import { mayQuote } from './quotable-values.js';
import { isRecord } from './values.js';

/** An expression reading items of a list or mapping input as numbers, and where it is: its step and field. */
export type MemberNumberReadSite = { readonly member: InputMember; readonly source: string; readonly stepId: string; readonly path: readonly (string | number)[] };

/**
 * Each place a list or mapping input's items are read as numbers (`inputs.ports.all(p, p < 1024)`,
 * `inputs.ports[0] + 1`) while one of them, as given or declared, is not a number (`ports: ["80", "443"]`):
 * CEL orders and adds no text with a number, so the step would fail mid-run. So for items read as text
 * (`inputs.tags.all(t, t.startsWith("v"))`, `inputs.tags.join(",")`) while one is not text (`--input 'tags=[1, 2]'`),
 * and for items read of a value that is no list or mapping (`--input ports=80` for an input declared without a
 * value, which takes it as given). One problem per expression, for the first such item. An input without a value is
 * told about elsewhere.
 */
export function memberNumberReadProblems(
  declared: Readonly<Record<string, unknown>>,
  inputs: Readonly<Record<string, unknown>>,
  sites: readonly MemberNumberReadSite[],
): { readonly path: readonly (string | number)[]; readonly message: string }[] {
  const problems: { path: readonly (string | number)[]; message: string }[] = [];
  const seen = new Set<string>();
  for (const { member, source, stepId, path } of sites) {
    const { input: name } = member;
    const given = Object.hasOwn(inputs, name);
    const value = given ? inputs[name] : Object.hasOwn(declared, name) ? declared[name] : undefined;
    const key = JSON.stringify([name, path]);
    const from = given ? 'given with --input' : "the plan's default";
    // Given for a list or mapping default, such a value is refused where the given values are checked.
    const structured = Array.isArray(declared[name]) || isRecord(declared[name]);
    if ((typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') && !structured && !seen.has(key)) {
      seen.add(key);
      problems.push({ path, message: scalarProblem(member, value, declared[name], from, `"${source}" in step "${stepId}"`) });
      continue;
    }
    if (followed(member)) {
      const misread = unjoinableItem(value, member);
      if (misread === undefined || seen.has(key)) continue;
      seen.add(key);
      const where = `"${source}" in step "${stepId}"`;
      problems.push({ path, message: member.mapped === undefined ? textReadProblem(member, value, misread, from, given, where) : mappedJoinProblem(member, where) });
      continue;
    }
    const misread = memberValues(value, member).find((item) => (member.asText ? typeof item.value !== 'string' : typeof item.value !== 'number'));
    if (misread === undefined || seen.has(key)) continue;
    seen.add(key);
    if (member.asText) {
      problems.push({ path, message: textReadProblem(member, value, { at: [misread.at], value: misread.value }, from, given, `"${source}" in step "${stepId}"`) });
      continue;
    }
    const kind = kindWords(misread.value);
    const keys = member.via === 'each' && isRecord(value);
    const held = keys
      ? `is a mapping, whose keys are text`
      : `holds ${kind} at ${name}${keyWords(misread.at)} (${!mayQuote(name, [misread.at], misread.value) || typeof misread.value === 'object' ? from : `${from} ${JSON.stringify(misread.value)}`})`;
    const read = `"${source}" in step "${stepId}" reads ${readWords(member, keys)}, which CEL does not compare or add with ${keys ? 'text' : kind}`;
    problems.push({ path, message: `input ${name} ${held}; ${read}: ${fixWords(member, value, keys, given)}` });
  }
  return problems;
}

function keyWords(at: string | number): string {
  return typeof at === 'number' ? `[${at}]` : `[${JSON.stringify(at)}]`;
}

function readWords(member: InputMember, keys: boolean): string {
  if (keys) return 'its keys as numbers';
  return member.at === undefined ? 'its items as numbers' : `${member.input}${keyWords(member.at)} as a number`;
}

/** What to write instead: the value with its items as the numbers they plainly are, when each is one. */
function fixWords(member: InputMember, value: unknown, keys: boolean, given: boolean): string {
  const { input: name, variable } = member;
  const where = member.written ?? variable ?? (member.at === undefined ? `inputs.${name}[i]` : `inputs.${name}${keyWords(member.at)}`);
  const convert = `convert ${member.at === undefined ? 'each' : 'it'} where it is read (int(${where}))`;
  if (keys) return `read its values (inputs.${name}[${variable ?? 'key'}]), or ${convert}`;
  const numbers = mayQuote(name, [], value) ? asNumbers(value) : undefined;
  // A value given with --input is fixed where it is given, not in the plan.
  if (given) return `give ${member.at === undefined ? 'them as numbers' : 'it as a number'}${numbers === undefined ? '' : ` (--input '${name}=${numbers}')`}, or ${convert}`;
  return `declare ${member.at === undefined ? 'them as numbers' : 'it as a number'}${numbers === undefined ? '' : ` (${name}: ${numbers})`}, or ${convert}`;
}

/** A value that is no list or mapping read for its items: CEL ranges over and indexes no text, number or true/false. */
function scalarProblem(member: InputMember, value: unknown, fallback: unknown, from: string, where: string): string {
  const { input: name } = member;
  const shown = mayQuote(name, [], value) ? `${from} ${JSON.stringify(value)}` : from;
  const kind = typeof value === 'number' ? 'a number' : kindWords(value);
  // Without a declared value, --input takes the text as given: only a list or mapping default reads it as YAML.
  const fix = fallback === null || fallback === undefined ? `declare a list default (${name}: []) or a mapping one (${name}: {}) for --input to read a list or mapping` : 'declare it as a list or mapping';
  return `input ${name} is ${kind} (${shown}), no list or mapping; ${where} reads its items, which CEL cannot do: ${fix}`;
}

/** An item read as text that is not (`--input 'tags=[1, 2]'` with `t.startsWith("v")`): CEL has no text function for it. */
function textReadProblem(member: InputMember, value: unknown, misread: JoinedItem, from: string, given: boolean, where: string): string {
  const { input: name, variable } = member;
  const kind = typeof misread.value === 'number' ? 'a number' : kindWords(misread.value);
  const shown = !mayQuote(name, misread.at, misread.value) || typeof misread.value === 'object' ? from : `${from} ${JSON.stringify(misread.value)}`;
  const read = member.at === undefined ? 'its items as text' : `${name}${keyWords(member.at)} as text`;
  const each = member.written ?? variable ?? (member.at === undefined ? `inputs.${name}[i]` : `inputs.${name}${keyWords(member.at)}`);
  // The list with its items as text is shown only when it is the input itself: a list inside one is declared where it is.
  const texts = mayQuote(name, [], value) && (member.within ?? []).length === 0 ? asTexts(value) : undefined;
  const them = member.at === undefined ? 'them as text' : 'it as text';
  const convert = `convert ${member.at === undefined ? 'each' : 'it'} where it is read (${joinedAsText(member) ?? `string(${each})`})`;
  const fix = given ? `give ${them}${texts === undefined ? '' : ` (--input '${name}=${texts}')`}` : `declare ${them}${texts === undefined ? '' : ` (${name}: ${texts})`}`;
  return `input ${name} holds ${kind} at ${name}${misread.at.map(keyWords).join('')} (${shown}); ${where} reads ${read}, which CEL does not join, order or call text functions on with ${kind}: ${fix}, or ${convert}`;
}

/** A join, followed through field access, filters and maps (joined-lists.ts), rather than of the input's own items. */
function followed(member: InputMember): boolean {
  return member.within !== undefined || member.kept === true || member.mapped !== undefined;
}

/** `inputs.ports.map(p, p * 2).join(",")`: the map makes each item a number, whatever the input holds. */
function mappedJoinProblem(member: InputMember, where: string): string {
  const kind = member.mapped === 'number' ? 'a number' : 'true or false';
  return `${where} joins the items of input ${member.input} after a map makes each ${kind}, which CEL does not join (it joins text only): make the map give text (string(\u2026) of what it gives)`;
}

/**
 * `inputs.ports.map(p, string(p)).join(",")`: CEL has no string() of a whole list, so a joined list's items are
 * turned into text by a map before the join. Undefined when the call does not start with the list as written.
 */
function joinedAsText({ input, written, joined }: InputMember): string | undefined {
  if (joined === undefined || written === undefined || !joined.startsWith(written)) return undefined;
  const item = /^[a-z]/i.test(input) ? input[0]!.toLowerCase() : 'x';
  return `${written}.map(${item}, string(${item}))${joined.slice(written.length)}`;
}

/** `["1", "2"]`: the list with each item the text of a number or true/false it is. */
function asTexts(value: unknown): string | undefined {
  if (!Array.isArray(value) || !value.every((item) => ['string', 'number', 'boolean'].includes(typeof item))) return undefined;
  return `[${value.map((item) => JSON.stringify(String(item))).join(', ')}]`;
}

/** `[80, 443]`, `{cpu: 2}`: the list or mapping with each item a number, when each plainly is one. */
function asNumbers(value: unknown): string | undefined {
  const number = (item: unknown) => (typeof item === 'number' ? String(item) : typeof item === 'string' && readsAsNumber(item) ? item : undefined);
  if (Array.isArray(value)) {
    const items = value.map(number);
    return items.every((item) => item !== undefined) ? `[${items.join(', ')}]` : undefined;
  }
  if (!isRecord(value)) return undefined;
  const entries = Object.entries(value).map(([key, item]) => [key, number(item)] as const);
  return entries.every(([, item]) => item !== undefined) ? `{${entries.map(([key, item]) => `${/^[A-Za-z_][\w-]*$/.test(key) ? key : JSON.stringify(key)}: ${item}`).join(', ')}}` : undefined;
}
