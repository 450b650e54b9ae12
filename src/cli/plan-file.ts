import { open } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { isScalar, Lexer, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { IssuePath } from '../planning/index.js';
import { CliError } from './errors.js';
import { jsonErrorOffset } from './json-error-offset.js';
import { planYamlProblems, yamlVersionProblem, type PlanYamlProblem } from '../agent/plan-yaml-problems.js';
import { isStreamPlan, STDIN_PLAN } from './stream-plan.js';

/** A plan document read from disk or stdin, with what is needed to point at a line. */
export type PlanFile = {
  /** Absolute; undefined for a plan read from stdin (`-`). */
  readonly path: string | undefined;
  /** As given on the command line, for messages. */
  readonly displayPath: string;
  readonly document: unknown;
  /** line:column (1-based) of the value at a path, or of its nearest existing parent. */
  /** With `quoted` (text a message quotes from the value), the line of that text inside a multi-line value. */
  locate(path: IssuePath, quoted?: string): { line: number; column: number } | undefined;
  /** Problems only the YAML text shows (a tag), reported with the plan's validation problems. */
  readonly problems: readonly PlanYamlProblem[];
  /** Whether the text at a path is written in double quotes (all of JSON's are), where a backslash is an escape. */
  doubleQuoted?(path: IssuePath): boolean;
};

export { isStreamPlan, STDIN_PLAN } from './stream-plan.js';
const STDIN_NAME = '<stdin>';

/** Reads a plan file, or stdin for `-` (a pipe or a file, not a terminal: nobody types a plan there). */
export async function readPlanFile(file: string, stdin?: Readable & { isTTY?: boolean }): Promise<PlanFile> {
  if (file === STDIN_PLAN) return parseStdinPlan(await readStdin(stdin));
  if (file.trim() === '') throw new CliError({ message: 'the plan path is empty: give a plan file (.yaml or .json), or - to read it from stdin' });
  const absolute = path.resolve(file);
  let text: string;
  let stream: boolean;
  try {
    ({ text, stream } = await readLimited(absolute, file));
  } catch (error) {
    if (CliError.isInstance(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError({ message: `${file}: no such file` });
    if (code === 'EISDIR') throw new CliError({ message: `${file}: is a directory, expected a plan file (.yaml or .json)` });
    if (code === 'EACCES') throw new CliError({ message: `${file}: permission denied` });
    // What /dev/stdin answers when stdin is a socket (a program's child), which cannot be opened by name.
    if (code === 'ENXIO') throw new CliError({ message: `${file}: cannot be opened (no such device or address); give the plan as "-" to read it from stdin` });
    throw new CliError({ message: `${file}: cannot read: ${(error as Error).message}` });
  }
  return stream ? parsePlanText(text, file, undefined, formatOf(text)) : parsePlanText(text, file, absolute);
}

async function readStdin(stdin: (Readable & { isTTY?: boolean }) | undefined): Promise<string> {
  if (!stdin) throw new CliError({ message: `${STDIN_NAME}: this command cannot read a plan from stdin; give a plan file` });
  if (stdin.isTTY) throw new CliError({ message: `${STDIN_NAME}: "-" reads the plan from stdin, which is a terminal here; pipe a plan in (ksa plan "<goal>" --format yaml | ksa validate -) or give a file` });
  try {
    return await readBounded(stdin, STDIN_NAME);
  } catch (error) {
    if (CliError.isInstance(error)) throw error;
    throw new CliError({ message: `${STDIN_NAME}: cannot read: ${(error as Error).message}` });
  }
}

/** Far above any plan (a 100,000-step plan is about 15 MB), far below what would exhaust memory. */
const MAX_PLAN_BYTES = 64 * 1024 * 1024;

function tooBig(shown: string): CliError {
  return new CliError({ message: `${shown}: larger than ${MAX_PLAN_BYTES / 1024 / 1024} MiB, which no plan is; is it the right file?` });
}

/** A file's text, refused past MAX_PLAN_BYTES whatever it is (/dev/zero, a FIFO, a huge log). */
async function readLimited(absolute: string, shown: string): Promise<{ text: string; stream: boolean }> {
  const handle = await open(absolute, 'r');
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (info.isFile() && info.size > MAX_PLAN_BYTES) throw tooBig(shown);
    return { text: await readBounded(handle.createReadStream({ autoClose: false }), shown), stream: isStreamPlan(shown, absolute, info) };
  } finally {
    await handle.close();
  }
}

/** A stream's text (a file's, stdin's), refused as soon as it passes MAX_PLAN_BYTES. */
async function readBounded(stream: AsyncIterable<unknown>, shown: string): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    bytes += buffer.length;
    if (bytes > MAX_PLAN_BYTES) throw tooBig(shown);
    chunks.push(buffer);
  }
  return utf8Text(Buffer.concat(chunks), shown);
}

/** A plan is UTF-8 text: one saved as UTF-16 (PowerShell 5's `>`) or in a legacy encoding is refused, not mangled. */
function utf8Text(bytes: Buffer, shown: string): string {
  const utf32 = (bytes[0] === 0xff && bytes[1] === 0xfe && bytes[2] === 0 && bytes[3] === 0) || (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0xfe && bytes[3] === 0xff);
  if (utf32 || (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new CliError({ message: `${shown}: is ${utf32 ? 'UTF-32' : 'UTF-16'} text; save it as UTF-8 (a plan is UTF-8 text)` });
  }
  try {
    // The byte-order mark stays: the parsers read past it, and a file's lines keep their columns.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new CliError({ message: `${shown}: is not UTF-8 text (Latin-1 or Windows-1252, perhaps); save it as UTF-8` });
  }
}

function parseStdinPlan(raw: string): PlanFile {
  if (raw.trim() === '') throw new CliError({ message: `${STDIN_NAME}: nothing was piped in; a plan needs "goal" and "steps"` });
  return parsePlanText(raw, STDIN_NAME, undefined, formatOf(raw));
}

/** No file name to say which: a document that opens as a JSON object is read as strict JSON, as a .json file is. */
function formatOf(raw: string): 'json' | 'yaml' {
  return /^\uFEFF?\s*\{/.test(raw) ? 'json' : 'yaml';
}

/** `absolute` is where the plan was read from (undefined for stdin); `format` picks the parser (strict JSON for .json). */
export function parsePlanText(raw: string, displayPath: string, absolute: string | undefined, format: 'json' | 'yaml' = absolute?.endsWith('.json') ? 'json' : 'yaml'): PlanFile {
  // Some editors start UTF-8 files with a byte order mark; JSON.parse rejects it.
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
  if (text.trim() === '') throw new CliError({ message: `${displayPath}: the file is empty; a plan needs "goal" and "steps"` });
  if (format === 'json') {
    const data = strictJson(text, displayPath);
    if (text.length > BIG_JSON_CHARS) return bigJsonPlan(data, displayPath, absolute);
  }
  const deep = flowDepthProblem(text);
  if (deep) throw new CliError({ message: `${displayPath}:${deep.line}:${deep.column}: the document nests more than ${MAX_DEPTH} levels deep`, location: deep });
  const lineCounter = new LineCounter();
  // Merge keys (`<<: *defaults`) share fields between steps, as docker-compose and GitLab CI files do.
  // The library's warnings (an unquoted `{{ x }}` read as a map key) would reach stderr as Node warnings: planYamlProblems names them.
  // Keys given twice are found by planYamlProblems, which names each one and where it was first set.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, merge: true, logLevel: 'error' });
  const [first] = doc.errors;
  if (first) {
    const where = first.linePos?.[0];
    const at = where ? `:${where.line}:${where.col}` : '';
    if (/call stack/i.test(first.message)) throw new CliError({ message: `${displayPath}${at}: the document nests too deeply`, location: where ? { line: where.line, column: where.col } : undefined });
    const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more)` : '';
    const problem =
      format === 'json'
        ? `JSON syntax error: ${firstLine(first.message)}`
        : first.code === 'MULTIPLE_DOCS'
          ? 'YAML syntax error: the file holds multiple documents (a second "---" starts here); a plan is one document'
          : `YAML syntax error: ${firstLine(first.message)}${first.code === 'BAD_DQ_ESCAPE' && text.startsWith('\\{', first.pos[0]) ? ESCAPED_BRACE : ''}`;
    throw new CliError({
      message: `${displayPath}${at}: ${problem}${more}`,
      location: where ? { line: where.line, column: where.col } : undefined,
    });
  }
  // Before the data is read: under another version its values are already other than written.
  const version = format === 'yaml' ? yamlVersionProblem(doc, text) : undefined;
  if (version) throw new CliError({ message: `${displayPath}:${version.line}:${version.column}: ${version.message}`, location: { line: version.line, column: version.column } });
  return {
    path: absolute,
    displayPath,
    document: toPlainData(doc, lineCounter, displayPath),
    locate: (issuePath, quoted) => locate(doc, lineCounter, issuePath, quoted, text),
    problems: planYamlProblems(doc, lineCounter, text),
    doubleQuoted: (issuePath) => {
      const node = doc.getIn(issuePath, true);
      return isScalar(node) && node.type === 'QUOTE_DOUBLE';
    },
  };
}

/** A literal `{{` is written `\{{`, and inside double quotes YAML reads that backslash as an escape. */
const ESCAPED_BRACE = ' (for a literal {{ inside double quotes write \\\\{{, or use single quotes: \'\\{{\')';

/** Aliases that expand past a bound (a "billion laughs" document) or point nowhere are a syntax error, exit 2. */
function toPlainData(doc: Document, lineCounter: LineCounter, displayPath: string): unknown {
  try {
    const data: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    const shape = shapeProblem(data);
    if (shape) throw new CliError({ message: `${displayPath}: ${shape}` });
    return data;
  } catch (error) {
    if (!(error instanceof ReferenceError) && !(error instanceof RangeError)) throw error;
    let first: { line: number; column: number } | undefined;
    visit(doc, {
      Alias(_, node) {
        if (!node.range) return undefined;
        const { line, col } = lineCounter.linePos(node.range[0]);
        first = { line, column: col };
        return visit.BREAK;
      },
    });
    const at = first ? `:${first.line}:${first.column}` : '';
    const problem = /excessive alias/i.test(error.message)
      ? `YAML aliases expand to too much data (more than ${MAX_ALIAS_COUNT} copies); write the repeated parts out or use fewer aliases`
      : error instanceof RangeError
        ? 'the document nests too deeply (or an alias refers to the node that contains it)'
        : `YAML syntax error: ${firstLine((error as Error).message)}`;
    throw new CliError({ message: `${displayPath}${at}: ${problem}`, location: first });
  }
}

/** Deeper than any plan needs, far below what the validators' recursion can take. */
const MAX_DEPTH = 200;

/** An alias inside the node it names makes the data cyclic; absurd nesting exhausts the stack. Checked without recursion. */
function shapeProblem(data: unknown): string | undefined {
  const onPath = new Set<object>();
  const stack: { value: object; depth: number; leave: boolean }[] = [];
  if (typeof data === 'object' && data !== null) stack.push({ value: data, depth: 0, leave: false });
  while (stack.length > 0) {
    const { value, depth, leave } = stack.pop()!;
    if (leave) {
      onPath.delete(value);
      continue;
    }
    if (onPath.has(value)) return 'a YAML alias refers to the node that contains it, which makes the plan endless';
    if (depth > MAX_DEPTH) return `the document nests more than ${MAX_DEPTH} levels deep`;
    onPath.add(value);
    stack.push({ value, depth, leave: true });
    for (const child of Object.values(value)) if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: depth + 1, leave: false });
  }
  return undefined;
}

/**
 * Flow collections nested thousands deep (`[[[[…`) make the YAML parser use memory without
 * bound, so they are refused first, from the tokens (which know what is quoted).
 */
function flowDepthProblem(text: string): { line: number; column: number } | undefined {
  let openers = 0;
  for (let i = 0; i < text.length && openers <= MAX_DEPTH; i++) {
    const code = text.charCodeAt(i);
    if (code === 91 || code === 123) openers++;
  }
  if (openers <= MAX_DEPTH) return undefined;
  let depth = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') depth++;
    else if (token === ']' || token === '}') depth = Math.max(0, depth - 1);
    if (depth > MAX_DEPTH) {
      const before = text.slice(0, offset).split('\n');
      return { line: before.length, column: before.at(-1)!.length + 1 };
    }
    // Control tokens (document start, scalar markers) are not in the text.
    if (token.length > 1 || token.charCodeAt(0) >= 32 || token === '\n' || token === '\t') offset += token.length;
  }
  return undefined;
}

/** yaml's own default: enough for a few shared blocks, far from an expansion attack. */
const MAX_ALIAS_COUNT = 100;

/**
 * Past this size a JSON plan is read with JSON.parse alone (the YAML parser, which finds
 * duplicate keys and lines, takes seconds per megabyte); problems then carry their path
 * but no line number.
 */
const BIG_JSON_CHARS = 1024 * 1024;

function bigJsonPlan(data: unknown, displayPath: string, absolute: string | undefined): PlanFile {
  const shape = shapeProblem(data);
  if (shape) throw new CliError({ message: `${displayPath}: ${shape}` });
  return { path: absolute, displayPath, document: data, locate: () => undefined, problems: [], doubleQuoted: () => true };
}

function strictJson(text: string, displayPath: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    // Some of Node's messages quote the text instead of giving a position (a trailing comma's `Unexpected token ']'`): the text is scanned for it.
    const offset = Number(/position (\d+)/.exec(message)?.[1] ?? jsonErrorOffset(text) ?? Number.NaN);
    const location = Number.isNaN(offset) ? undefined : lineAndColumn(text, offset);
    const at = location ? `:${location.line}:${location.column}` : '';
    const problem = firstLine(message.replace(/ (in JSON )?at position \d+.*$/s, '').replace(/\s*\(line \d+ column \d+\)/, '').replace(/, (\.\.\.)?"[\s\S]*$/, ''));
    throw new CliError({ message: `${displayPath}${at}: JSON syntax error: ${problem}${Number.isNaN(offset) ? '' : trailingCommaHint(text, offset)}`, location });
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/** A `]` or `}` right after a comma: the most common slip in a hand-edited JSON plan, named with the comma's place. */
function trailingCommaHint(text: string, offset: number): string {
  if (text[offset] !== ']' && text[offset] !== '}') return '';
  const comma = text.slice(0, offset).trimEnd().length - 1;
  if (text[comma] !== ',') return '';
  const { line, column } = lineAndColumn(text, comma);
  return ` (JSON allows no comma before the closing "${text[offset]}": remove the one at ${line}:${column})`;
}

function locate(doc: Document, lineCounter: LineCounter, issuePath: IssuePath, quoted?: string, text?: string): { line: number; column: number } | undefined {
  for (let length = issuePath.length; length >= 0; length--) {
    const node = length === 0 ? doc.contents : doc.getIn(issuePath.slice(0, length), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) {
      // In a block (`command: |`) or a multi-line value, the line of the quoted expression, not the value's first line.
      const inside = length === issuePath.length && quoted && text && isScalar(node) ? quotedOffset(text.slice(range[0], range[1]), quoted) : -1;
      const { line, col } = lineCounter.linePos(range[0] + Math.max(0, inside));
      return { line, column: col };
    }
  }
  return undefined;
}

/** Where a message's quoted text starts in a value's source: as is, else its first word (a multi-line expression is quoted on one line). */
function quotedOffset(source: string, quoted: string): number {
  if (!source.includes('\n')) return -1;
  const at = source.indexOf(quoted);
  if (at >= 0) return at;
  const [first] = quoted.split(' ', 1);
  return first ? source.indexOf(first) : -1;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}
