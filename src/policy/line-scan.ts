import { addStreams, noStreams, recordRedirect, type CommandStreams } from './command-streams.js';
import { NO_ENVIRONMENT, type StepEnvironment, type Stdin } from './command-context.js';
import { unpackedFolders } from './archives.js';
import { downloadedFiles } from './downloads.js';
import { functionRisk, type FunctionDefinition } from './function-calls.js';
import { hereDocumentText, printed } from './printed-text.js';
import { programName } from './program-name.js';
import { DEVICE_TARGET } from './program-rules.js';
import { destroyRisk, writeRisk, type StepRisk } from './risk-level.js';
import { unzipOptionsGiven } from './unzip-command.js';
import { arithmeticRisks } from './arithmetic-code.js';
import { lineVariables, settleVariables, type LineVariables } from './shell-variables.js';
import { recordAssignment, recordCommand, recordSyntax } from './variable-records.js';
import { recordIntegerAssignments, recordSubstrings } from './integer-variables.js';
import { allChildren, evaluateWord, joinedWords, namedChildren, variablesRead, type ShellNode, type ShellWord } from './shell-syntax.js';
import { isDescriptor, redirectedCommand, redirectsAfterHereDocument, redirectTarget, wordsAfterRedirect } from './redirect-words.js';

/** Commands looked at in one command line. */
const MAX_COMMANDS = 10_000;
const QUIET_TARGETS = /^\/dev\/(null|stdout|stderr|tty|fd\/[0-2])$/;

/** One simple command found in the tree, with what surrounds it. */
export interface Unit {
  readonly words: readonly ShellWord[];
  readonly stdin: Stdin;
  /** "in a pipeline", "in a command substitution"…, or '' at the top. */
  readonly where: string;
  /** Where the command starts in the line: a variable it reads must be set before. */
  readonly start: number;
  /** Its own `NAME=value` prefixes, which set the variables of its process only; undefined: a value known at run time. */
  readonly prefix: ReadonlyMap<string, string | undefined>;
  /** The words of those prefixes whose value is known at run time (`NS=${NS:-prod} cmd`), for a reading of what they may hold. */
  readonly prefixWords: ReadonlyMap<string, ShellWord>;
  readonly streams: CommandStreams;
}

export interface Scan {
  readonly units: Unit[];
  readonly variables: LineVariables;
  readonly effects: StepRisk[];
  /** Files the line writes with what it downloads or decodes (`curl -o i.sh …`): running one runs code nobody reviewed. */
  readonly downloads: Set<string>;
  /** Functions the line defines, to rate a call by its body. */
  readonly functions: FunctionDefinition[];
  readonly environment: StepEnvironment;
  /** By a command's start: its words written after redirections over its statement, and where those redirections start. */
  readonly redirected: Map<number, { readonly words: ShellNode[]; readonly starts: Set<number> }>;
  error: boolean;
  truncated: boolean;
}

/**
 * `reading`: 'sure' for the risk rater, which knows only values the line surely holds and rates arithmetic that
 * evaluates run-time text; 'possible' for deny rules, where a value held before such arithmetic may still be the one read.
 * `stdin`: what the line's process reads (`echo … | bash -c 'bash'`): each command of the line that reads its own may read it.
 */
export function scanLine(root: ShellNode, reading: 'sure' | 'possible', downloaded: ReadonlySet<string> = new Set(), environment = NO_ENVIRONMENT, stdin: Stdin = NO_STDIN): Scan {
  const found: Scan = { units: [], variables: lineVariables(), effects: [], downloads: new Set(downloaded), functions: [], environment, redirected: new Map(), error: root.hasError, truncated: false };
  visit(root, stdin, '', found, 0);
  const statements = allChildren(root);
  statements.forEach((statement, i) => {
    if (statement.type !== 'function_definition' || statements[i + 1]?.text === '&') return;
    for (const definition of found.functions) if (definition.start === statement.startIndex) definition.firm = true;
  });
  recordIntegerAssignments(found.variables, root);
  recordSubstrings(found.variables, root);
  settleVariables(found.variables, root);
  if (reading === 'sure') found.effects.push(...arithmeticRisks(found.variables, root, environment));
  return found;
}

const NESTING: Readonly<Record<string, string>> = {
  command_substitution: 'in a command substitution',
  process_substitution: 'in a process substitution',
  subshell: 'in a subshell',
  function_definition: 'in a function',
};

function visit(node: ShellNode, stdin: Stdin, where: string, scan: Scan, depth: number): void {
  if (scan.units.length >= MAX_COMMANDS || depth > 500) {
    scan.truncated = true;
    return;
  }
  if (node.type === 'ERROR') scan.error = true;
  switch (node.type) {
    case 'command':
      return visitCommand(node, stdin, where, scan, depth);
    case 'pipeline':
      return visitPipeline(namedChildren(node), stdin, where || 'in a pipeline', scan, depth);
    case 'redirected_statement':
      return visitRedirected(node, stdin, where, scan, depth);
    case 'variable_assignment':
      recordAssignment(scan.variables, node);
      return visitNested(node, where, scan, depth);
    default: {
      recordSyntax(scan.variables, node);
      const effect = node.type === 'function_definition' ? functionRisk(node) : undefined;
      if (effect) scan.effects.push(effect);
      const defined = node.type === 'function_definition' ? node.childForFieldName('name')?.text : undefined;
      if (defined !== undefined) scan.functions.push({ name: defined, start: node.startIndex, end: node.startIndex + node.text.length, firm: false });
      const inner = NESTING[node.type] ?? where;
      // What `>(…)` reads is what the command around it writes (visitWord); `curl … | (sh)`: a subshell reads
      // the input of its place in the line; the other nestings read nothing.
      const childStdin = node.type in NESTING && node.type !== 'process_substitution' && node.type !== 'subshell' ? NO_STDIN : stdin;
      for (const child of namedChildren(node)) visit(child, childStdin, inner, scan, depth + 1);
    }
  }
}

export const NO_STDIN: Stdin = { kind: 'none' };

function visitCommand(node: ShellNode, stdin: Stdin, where: string, scan: Scan, depth: number): void {
  const parts: ShellNode[] = [];
  const written: string[] = [];
  const prefix = new Map<string, string | undefined>();
  const prefixWords = new Map<string, ShellWord>();
  const streams = noStreams();
  const output = outputOf(node, stdin);
  let input = stdin;
  // `echo >out hi`, `terraform 2>/dev/null destroy`: words after a redirection are the command's, in the order written.
  const redirected = scan.redirected.get(node.startIndex);
  const own = namedChildren(node);
  const redirectStarts = new Set([...(redirected?.starts ?? []), ...own.filter((child) => child.type.endsWith('_redirect')).map((child) => child.startIndex)]);
  const named = node.childForFieldName('name') !== null;
  for (const child of [...own, ...own.flatMap(wordsAfterRedirect), ...(redirected?.words ?? [])].sort((x, y) => x.startIndex - y.startIndex)) {
    if (child.type === 'variable_assignment') {
      recordAssignment(scan.variables, child, named);
      const name = child.childForFieldName('name');
      const value = child.childForFieldName('value');
      const word = value ? evaluateWord(value) : undefined;
      if (name?.type === 'variable_name') prefix.set(name.text, word === undefined ? '' : word.literal);
      if (name?.type === 'variable_name' && word !== undefined && word.literal === undefined) prefixWords.set(name.text, word);
      visitNested(child, where, scan, depth);
      continue;
    }
    if (child.type.endsWith('_redirect')) {
      input = redirect(child, input, scan, where, depth, output, written);
      recordRedirect(child, streams);
      continue;
    }
    const word = child.type === 'command_name' ? (namedChildren(child)[0] ?? child) : child;
    // `exec {fd}>file`, `cat 0<&3`: the redirection's descriptor, not a word of the command.
    if (isDescriptor(word, redirectStarts)) continue;
    parts.push(word);
    visitWord(word, where, scan, depth, output);
  }
  const words = joinedWords(parts);
  recordCommand(scan.variables, words, node.startIndex);
  scan.units.push({ words, stdin: input, where, start: node.startIndex, prefix, prefixWords, streams });
  for (const file of downloadedFiles(words, input, written)) scan.downloads.add(file);
  for (const folder of unpackedFolders(words, input, scan.downloads, unzipOptionsGiven(words, scan.variables, scan.environment))) scan.downloads.add(folder);
}

/** What a command (or a statement) writes, as the stdin of a `>(…)` it writes to: `curl … | tee >(sh)` pipes curl into sh. */
function outputOf(node: ShellNode, stdin: Stdin): Stdin {
  const upstream = stdin.kind === 'pipe' || stdin.kind === 'file' ? stdin.programs : [];
  const name = node.type === 'command' ? node.childForFieldName('name') : null;
  const literal = name ? evaluateWord(namedChildren(name)[0] ?? name).literal : undefined;
  return { kind: 'pipe', programs: [...upstream, literal === undefined ? (name ? '(computed)' : node.type) : programName(literal)] };
}

/** A word that may itself be a substitution (`ls $(rm -rf x)`, `cat <(…)`, `tee >(sh)`), or hold one. */
function visitWord(node: ShellNode, where: string, scan: Scan, depth: number, output: Stdin = NO_STDIN): void {
  if (node.type in NESTING) visit(node, node.type === 'process_substitution' && node.text.startsWith('>(') ? output : NO_STDIN, NESTING[node.type]!, scan, depth + 1);
  else visitNested(node, where, scan, depth);
}

/** Commands inside a word: `$(…)`, `<(…)`, backquotes. */
function visitNested(node: ShellNode, where: string, scan: Scan, depth: number): void {
  recordSyntax(scan.variables, node);
  for (const child of namedChildren(node)) {
    if (child.type in NESTING) visit(child, { kind: 'none' }, NESTING[child.type]!, scan, depth + 1);
    else visitNested(child, where, scan, depth + 1);
  }
}

function visitPipeline(stages: readonly ShellNode[], stdin: Stdin, where: string, scan: Scan, depth: number): void {
  let input = stdin;
  const programs: string[] = stdin.kind === 'pipe' ? [...stdin.programs] : [];
  let piped: number | undefined;
  for (const stage of stages) {
    const before = scan.units.length;
    visit(stage, input, where, scan, depth + 1);
    const produced = scan.units.slice(before);
    const first = produced.find((unit) => unit.where === where);
    if (first !== undefined) [first.streams.pipedFrom, piped] = [piped, scan.units.indexOf(first)];
    const name = first?.words[0]?.literal;
    programs.push(name === undefined ? (first ? '(computed)' : stage.type) : programName(name));
    input = { kind: 'pipe', programs: [...programs], literal: printed(first?.words, input) };
  }
}

function visitRedirected(node: ShellNode, stdin: Stdin, where: string, scan: Scan, depth: number): void {
  let input = stdin;
  const body = node.childForFieldName('body');
  const continuations: ShellNode[] = [];
  const written: string[] = [];
  const streams = noStreams();
  const before = scan.units.length;
  const after: ShellNode[] = [];
  const starts = new Set<number>();
  for (const child of namedChildren(node)) {
    if (body !== null && child.startIndex === body.startIndex && child.type === body.type) continue;
    if (child.type.endsWith('_redirect')) {
      // `cat <<EOF 2>/dev/null x`: the redirections after a here-document's word hang under it.
      const nested = redirectsAfterHereDocument(child);
      for (const each of [child, ...nested]) {
        input = redirect(each, input, scan, where, depth, body === null ? NO_STDIN : outputOf(body, stdin), written);
        recordRedirect(each, streams);
        after.push(...wordsAfterRedirect(each));
        starts.add(each.startIndex);
      }
      // `cat <<EOF | sh`: the rest of the pipeline hangs under the here-document.
      const owned = new Set([...nested, ...after].map((part) => part.startIndex));
      if (child.type === 'heredoc_redirect') for (const part of namedChildren(child)) if (!/^heredoc_(start|body|end)$/.test(part.type) && !owned.has(part.startIndex)) continuations.push(part);
    } else visit(child, stdin, where, scan, depth + 1);
  }
  if (body === null) return;
  const command = redirectedCommand(body);
  const known = command === undefined ? undefined : scan.redirected.get(command.startIndex);
  if (command !== undefined) scan.redirected.set(command.startIndex, { words: [...(known?.words ?? []), ...after], starts: new Set([...(known?.starts ?? []), ...starts]) });
  // `(ls) >out x`: bash takes no words after a compound command's redirection; it refuses the line.
  else if (after.length > 0) scan.error = true;
  const start = scan.units.length;
  visit(body, input, where, scan, depth + 1);
  addStreams(scan.units, start, streams);
  // `curl … > i.sh`, `curl … | base64 -d > i.sh`: the file holds what was downloaded.
  for (const unit of scan.units.slice(before)) for (const file of downloadedFiles(unit.words, unit.stdin, written)) scan.downloads.add(file);
  if (continuations.length === 0) return;
  const first = scan.units[start];
  const name = first?.words[0]?.literal;
  const piped: Stdin = { kind: 'pipe', programs: [name === undefined ? '(computed)' : programName(name)], literal: printed(first?.words, input) };
  for (const part of continuations) {
    if (part.type === 'pipeline') visitPipeline(namedChildren(part), piped, where || 'in a pipeline', scan, depth + 1);
    else visit(part, { kind: 'none' }, where, scan, depth + 1);
  }
}

/**
 * Records what a redirection writes (the files in `written` too) and returns the stdin it gives the command;
 * `output` is what the command writes, which a `> >(…)` reads.
 */
function redirect(node: ShellNode, stdin: Stdin, scan: Scan, where: string, depth: number, output: Stdin, written: string[]): Stdin {
  if (node.type === 'heredoc_redirect') {
    const body = namedChildren(node).find((child) => child.type === 'heredoc_body');
    if (body) visitNested(body, where, scan, depth);
    const expands = body !== undefined && namedChildren(body).some((child) => child.type !== 'heredoc_content');
    const delimiter = namedChildren(node).find((child) => child.type === 'heredoc_start')?.text ?? '';
    return { kind: 'text', literal: body === undefined || expands ? undefined : hereDocumentText(body.text, delimiter), programs: body ? [...collectPrograms(body), ...variablesRead(body)] : [] };
  }
  if (node.type === 'herestring_redirect') {
    const word = namedChildren(node)[0];
    if (word) visitWord(word, where, scan, depth);
    return { kind: 'text', literal: word ? evaluateWord(word).literal : undefined, programs: word ? [...collectPrograms(word), ...variablesRead(word)] : [] };
  }
  const operator = allChildren(node).find((child) => !child.isNamed)?.text ?? '>';
  const parts = redirectTarget(node) ?? [];
  const destination = parts[0];
  for (const part of parts) visitWord(part, where, scan, depth, output);
  if (operator === '<' || operator === '<&' || operator === '<&-') {
    const programs = parts.flatMap((part) => [...collectPrograms(part)]);
    return { kind: 'file', programs };
  }
  if (destination === undefined || (operator.includes('&') && (destination.type === 'number' || destination.text === '-'))) return stdin;
  const target = joinedWords(parts)[0]?.literal;
  if (target !== undefined && QUIET_TARGETS.test(target)) return stdin;
  if (target !== undefined && DEVICE_TARGET.test(target)) scan.effects.push(destroyRisk(`${operator} overwrites the device ${target}`));
  else scan.effects.push(writeRisk(`${operator} writes ${target ?? 'a file named at run time'}`));
  if (target !== undefined) written.push(target);
  return stdin;
}

function* collectPrograms(node: ShellNode): Iterable<string> {
  if (node.type === 'command') {
    const name = node.childForFieldName('name');
    const literal = name ? evaluateWord(namedChildren(name)[0] ?? name).literal : undefined;
    if (literal) yield programName(literal);
  }
  for (const child of namedChildren(node)) yield* collectPrograms(child);
}
