import { isCollection, isMap, isPair, isScalar, isSeq, LineCounter, Parser, type Document, type Node } from 'yaml';
import type { IssueCode, IssuePath } from '../planning/index.js';
import { decimalOf, leadingZeroMisreads, leadingZeroReading } from '../planning/leading-zero.js';

export { leadingZeroReading };

/** A plan problem that only the YAML text shows (the data it reads as looks fine, or wrong for another reason). */
export type PlanYamlProblem = {
  readonly code: IssueCode;
  readonly path: IssuePath;
  readonly message: string;
  readonly line: number;
  readonly column: number;
};

type Visit = { readonly node: Node; readonly path: IssuePath; readonly key: string | undefined };

/**
 * What YAML reads differently from what the author meant: a value starting with `!` is a tag,
 * which the YAML library drops (`when: ! inputs.dryRun` becomes `inputs.dryRun`: a negation lost).
 * A plan has no use for tags, so every tag is refused, with the quoted value to write instead.
 * An unquoted `{{ inputs.port }}` is a map whose key is a map, which reads as an object.
 * A key given twice in one map is named at each repetition, with where it was first set.
 */
export function planYamlProblems(doc: Document, lineCounter: LineCounter, text: string): PlanYamlProblem[] {
  // Read as YAML 1.1, the document holds what the checks below look for already turned into something else.
  const version = yamlVersionProblem(doc, text);
  if (version !== undefined) return [version];
  const problems: PlanYamlProblem[] = [];
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  // Without recursion: a deep document must not exhaust the stack here.
  const stack: Visit[] = doc.contents ? [{ node: doc.contents, path: [], key: undefined }] : [];
  while (stack.length > 0) {
    const { node, path, key } = stack.pop()!;
    if (node.tag !== undefined && node.range) problems.push(tagProblem(node, path, key, text, at));
    const base = radixOf(node);
    if (base !== undefined && isScalar(node) && node.range) problems.push(radixProblem(base, node.source ?? '', node.value as number, path, at(node.range[0])));
    if (hasLeadingZero(node) && isScalar(node) && node.range) problems.push(leadingZeroProblem(node.source ?? '', node.value as number, path, at(node.range[0])));
    if (isMap(node) && node.items.some((pair) => isPair(pair) && isCollection(pair.key))) {
      problems.push(collectionKeyProblem(node, path, key, text, at));
    } else if (isMap(node)) {
      const first = new Map<string, number>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
        const keyStart = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
        if (name !== undefined && keyStart !== undefined && !isMergeKey(pair.key)) {
          const earlier = first.get(name);
          if (earlier === undefined) first.set(name, keyStart);
          else problems.push(duplicateKeyProblem(name, [...path, name], at(earlier), at(keyStart)));
        }
        if (isScalar(pair.key) && pair.key.tag !== undefined && pair.key.range) problems.push(tagProblem(pair.key, path, undefined, text, at));
        const keyProblem = isScalar(pair.key) ? numberKeyProblem(pair.key) : undefined;
        if (keyProblem !== undefined && name !== undefined && isScalar(pair.key) && pair.key.range) problems.push({ code: 'invalid_field', path: [...path, name], message: keyProblem, ...at(pair.key.range[0]) });
        if (pair.value && name !== undefined) stack.push({ node: pair.value as Node, path: [...path, name], key: name });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        if (item) stack.push({ node: item as Node, path: [...path, index], key: undefined });
      });
    }
  }
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

function tagProblem(node: Node, path: IssuePath, key: string | undefined, text: string, at: (offset: number) => { line: number; column: number }): PlanYamlProblem {
  const [valueStart, valueEnd] = node.range!;
  const start = tagStart(text, valueStart);
  const written = text.slice(start, valueEnd).trim();
  const tag = written.split(/\s/, 1)[0] ?? '!';
  const label = key === undefined ? '' : `${key}: `;
  const fix =
    isScalar(node) && !written.includes('\n')
      ? `quote the value: ${label}${JSON.stringify(written)}`
      : 'remove it, or quote the value if it starts with "!"';
  return { code: 'yaml_tag', path, message: `a YAML tag (${JSON.stringify(tag)}) — ${fix}`, ...at(start) };
}

/**
 * A number written in hexadecimal or octal (`0x1F`, `0o17`), which YAML reads as another number (31, 15), and
 * which the plan then holds, shows and records as such: `timeoutMs: 0x1F` is 31 ms. Unquoted only: quoted, it is text.
 */
export function radixOf(node: Node): 'hexadecimal' | 'octal' | undefined {
  if (!isScalar(node) || typeof node.value !== 'number' || node.type !== 'PLAIN') return undefined;
  const letter = /^[-+]?0([xo])/i.exec(node.source ?? '')?.[1]?.toLowerCase();
  return letter === 'x' ? 'hexadecimal' : letter === 'o' ? 'octal' : undefined;
}

function radixProblem(base: string, written: string, value: number, path: IssuePath, where: { line: number; column: number }): PlanYamlProblem {
  const exact = radixDecimal(written);
  const advice = exact === undefined ? `which YAML reads as ${value}: write it in decimal (${value}), or quote it to pass it as text` : `too large to keep exact (it is ${exact}; it would be read as ${value}): quote it to pass it as text`;
  return { code: 'invalid_field', path, message: `${written} is a number written in ${base}, ${advice}`, ...where };
}

/**
 * A whole number written with a leading zero that YAML 1.1 tools read otherwise (leadingZeroMisreads): the same file
 * means two things. Unquoted only.
 */
export function hasLeadingZero(node: Node): boolean {
  return isScalar(node) && typeof node.value === 'number' && node.type === 'PLAIN' && leadingZeroMisreads(node.source ?? '');
}

/** A number field takes no text: quoting it is advised only for an input, which may hold either. */
function leadingZeroProblem(written: string, value: number, path: IssuePath, where: { line: number; column: number }): PlanYamlProblem {
  const text = path[0] === 'inputs' ? `, or quote it (${JSON.stringify(written)}) to pass it as text` : '';
  return { code: 'invalid_field', path, message: `${written} is a number written with a leading zero, ${leadingZeroReading(written, value)}: write ${decimalOf(value)}${text}`, ...where };
}

/**
 * A key written as a number that the text of the key is not (`017:` is the key "17" to ksa and "15" to YAML 1.1
 * tools, `0900:` "900" and "0900", `0x1F:` "31", `1.10:` "1.1", `1e3:` "1000"): a mapping's keys are names (an
 * input's, an environment variable's), and the name meant is the one written. Any unquoted key read as a number
 * whose text is not the key as written is refused.
 */
export function numberKeyProblem(key: Node): string | undefined {
  if (!isScalar(key) || typeof key.value !== 'number') return undefined;
  const written = key.source ?? '';
  const quote = `quote it (${JSON.stringify(written)}) to keep it as written`;
  const base = radixOf(key);
  if (base !== undefined) return `the key ${written} is a number written in ${base}, which YAML reads as ${radixDecimal(written) ?? decimalOf(key.value)}: ${quote}`;
  if (hasLeadingZero(key)) return `the key ${written} is a number written with a leading zero, ${leadingZeroReading(written, key.value)}: ${quote}`;
  // `1.10:`, `1e3:`, `+5:`, `00:`, `.5:` name the keys "1.1", "1000", "5", "0", "0.5": a later `inputs.versions['1.10']` finds none.
  const read = String(key.value);
  if (key.type === 'PLAIN' && read !== written) return `the key ${written} is a number, which YAML reads as the key ${JSON.stringify(read)}: ${quote}`;
  return undefined;
}

/**
 * A `%YAML` directive asking for another version than 1.2, which ksa reads plans as: the YAML library would
 * honour it, and under 1.1 `yes` is true, `1:30` is 90 and `017` octal 15, none of which the checks here would
 * then see. Refused, at its line, rather than read otherwise than the rest of ksa's plans. Every directive of every
 * document is read: the library honours the last of several, which the YAML spec forbids for one document.
 */
export function yamlVersionProblem(_doc: Document, text: string): PlanYamlProblem | undefined {
  // Most plans have no directive: not parsed twice for nothing.
  if (!/(?:^\uFEFF?|\n)%YAML/.test(text)) return undefined;
  const lineCounter = new LineCounter();
  // The parser's tokens, not the text's lines: a "%YAML" line inside a block scalar is no directive.
  let first: number | undefined;
  for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
    if (token.type === 'document') first = undefined;
    if (token.type !== 'directive' || !/^%YAML(?:\s|$)/.test(token.source)) continue;
    const line = lineCounter.linePos(token.offset).line;
    const problem = (message: string): PlanYamlProblem => ({ code: 'invalid_document', path: [], message, line, column: 1 });
    if (first !== undefined) return problem(`a second %YAML directive for one document (the first is on line ${first}), which YAML forbids; remove the line`);
    first = line;
    const version = /^%YAML\s+([^\s#]*)/.exec(token.source)?.[1] ?? '';
    if (version !== '1.2') {
      return problem(`the %YAML ${version} directive asks for another YAML than ksa reads (1.2 only: YAML 1.1 reads yes as true, 1:30 as 90 and 017 as octal 15); remove the line`);
    }
  }
  return undefined;
}

/**
 * The exact decimal of a hexadecimal or octal number past 2^53 (`0x20000000000001`), which YAML rounds: its rounded
 * value is not the number written, and written in decimal it would be refused as too large anyway.
 */
export function radixDecimal(written: string): string | undefined {
  const match = /^([-+]?)0([xo])([0-9a-f_]+)$/i.exec(written.trim());
  if (match === null) return undefined;
  let digits: bigint;
  try {
    digits = BigInt(`0${match[2]!.toLowerCase()}${match[3]!.replaceAll('_', '')}`);
  } catch {
    return undefined;
  }
  if (digits <= BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return `${match[1] === '-' ? '-' : ''}${digits.toString()}`;
}

/** `<<: *a` may come more than once when merging several maps (the library reads the key as a symbol). */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (typeof key.value === 'symbol' || key.value === '<<');
}

function duplicateKeyProblem(name: string, path: IssuePath, first: { line: number; column: number }, again: { line: number; column: number }): PlanYamlProblem {
  return { code: 'duplicate_key', path, message: `the key ${JSON.stringify(name)} is given twice (first at line ${first.line}, column ${first.column}); keep one`, ...again };
}

function collectionKeyProblem(node: Node, path: IssuePath, key: string | undefined, text: string, at: (offset: number) => { line: number; column: number }): PlanYamlProblem {
  const [start, end] = node.range!;
  const written = text.slice(start, end).trim();
  const label = key === undefined ? '' : `${key}: `;
  const message =
    written.startsWith('{{') && !written.includes('\n')
      ? `a template must be quoted in YAML: ${label}${JSON.stringify(written)}`
      : 'a key of a map is itself a list or a map, which a plan cannot hold; quote it';
  return { code: 'unquoted_template', path, message, ...at(start) };
}

/** Where the tag in front of a value starts: the last `!` before it, and back to the start of that word (`!!str`). */
function tagStart(text: string, valueStart: number): number {
  let start = text.lastIndexOf('!', valueStart - 1);
  if (start < 0) return valueStart;
  while (start > 0 && !/[\s,[{]/.test(text[start - 1]!)) start--;
  return start;
}
