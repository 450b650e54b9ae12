/**
 * The part of a bash syntax tree (tree-sitter-bash node types) the classifier reads.
 * The parser itself is loaded by an outer layer (it reads a WASM file) and handed in.
 */
export interface ShellNode {
  readonly type: string;
  readonly text: string;
  readonly isNamed: boolean;
  readonly hasError: boolean;
  readonly startIndex: number;
  readonly children: readonly (ShellNode | null)[];
  readonly namedChildren: readonly (ShellNode | null)[];
  childForFieldName(name: string): ShellNode | null;
  childrenForFieldName(name: string): readonly (ShellNode | null)[];
}

/**
 * Parses a bash command line and hands its root node to `read`; the tree lives only
 * during that call (a WASM parser frees it afterwards), so `read` must not keep nodes.
 */
export type ShellParser = <T>(command: string, read: (root: ShellNode) => T) => Promise<T>;

/** A word of a command line: its value when it is known before running, and any literal words found in its expansions. */
export interface ShellWord {
  /** The value the shell gives the word, when no expansion makes it depend on run time. */
  readonly literal?: string;
  /** As written. */
  readonly text: string;
  /** Literal words inside expansions, e.g. `rm` for `$(echo rm)`, and `$NAME` for variables read: what a computed word may become. */
  readonly hints: readonly string[];
}

export function namedChildren(node: ShellNode): ShellNode[] {
  return node.namedChildren.filter((child): child is ShellNode => child !== null);
}

export function allChildren(node: ShellNode): ShellNode[] {
  return node.children.filter((child): child is ShellNode => child !== null);
}

const DYNAMIC = Symbol('dynamic');
/** An unquoted `{a,b}` or `{a..c}`, braces and commas not escaped. */
const BRACE_EXPANSION = /(?<!\\)\{(?:[^{}\\]|\\.)*?(?<!\\)(?:,|\.\.)(?:[^{}\\]|\\.)*?(?<!\\)\}/;

/** What the shell makes of a word node: quotes and escapes removed, or dynamic. */
export function evaluateWord(node: ShellNode): ShellWord {
  const value = literalOf(node);
  return { literal: value === DYNAMIC ? undefined : value, text: node.text, hints: value === DYNAMIC ? hintsOf(node) : [] };
}

/**
 * The words of a command's arguments: tree-sitter-bash ends a word before a backquote that follows text or a string
 * (`--backup=`date +%s`.tfstate` as `--backup=` and `` `date +%s`.tfstate ``), where bash reads one word, as it
 * does `--backup=$(date +%s).tfstate`. Parts written with no blank between them are one word.
 */
export function joinedWords(nodes: readonly ShellNode[]): ShellWord[] {
  const groups: ShellNode[][] = [];
  for (const node of nodes) {
    const last = groups.at(-1)?.at(-1);
    if (last !== undefined && last.startIndex + last.text.length === node.startIndex) groups.at(-1)!.push(node);
    else groups.push([node]);
  }
  return groups.map((parts) => (parts.length === 1 ? evaluateWord(parts[0]!) : joinedWord(parts)));
}

function joinedWord(parts: readonly ShellNode[]): ShellWord {
  const values = parts.map(literalOf);
  const text = parts.map((part) => part.text).join('');
  const known = values.every((value): value is string => value !== DYNAMIC) && !BRACE_EXPANSION.test(text);
  return known ? { literal: values.join(''), text, hints: [] } : { text, hints: parts.flatMap(hintsOf) };
}

/** A plain word, e.g. from an argv tool or a split `-c` string. */
export function literalWord(value: string): ShellWord {
  return { literal: value, text: value, hints: [] };
}

function literalOf(node: ShellNode): string | typeof DYNAMIC {
  switch (node.type) {
    case 'word':
      // An unquoted glob may expand to another name at run time; a brace expansion (`r{m,}`) to several words.
      if (/(^|[^\\])[*?[]/.test(node.text) || BRACE_EXPANSION.test(node.text)) return DYNAMIC;
      return node.text.replace(/\\(\n|.)/g, (_, char: string) => (char === '\n' ? '' : char));
    case 'number':
    case 'command_name':
    case 'concatenation': {
      if (node.type === 'number') return node.text;
      // `r{m,}`, `{rm,ls}`: bash makes several words of it (`rm r`), not the text as written. Quoted parts stand apart.
      if (BRACE_EXPANSION.test(namedChildren(node).map((part) => (part.type === 'word' ? part.text : '_')).join(''))) return DYNAMIC;
      let text = '';
      for (const part of namedChildren(node)) {
        const value = literalOf(part);
        if (value === DYNAMIC) return DYNAMIC;
        text += value;
      }
      return text;
    }
    case 'raw_string':
      return node.text.slice(1, -1);
    case 'string':
    case 'translated_string': {
      let text = '';
      for (const part of namedChildren(node)) {
        if (part.type !== 'string_content') return DYNAMIC;
        text += part.text.replace(/\\([$`"\\\n])/g, (_, char: string) => (char === '\n' ? '' : char));
      }
      return text;
    }
    case 'ansi_c_string':
      return ansiC(node.text.slice(2, -1));
    default:
      return DYNAMIC;
  }
}

const C_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

function ansiC(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|.)/g, (whole, escape: string) => {
    const kind = escape[0]!;
    if (kind === 'x' || kind === 'u' || kind === 'U') return safeCodePoint(Number.parseInt(escape.slice(1), 16));
    if (/[0-7]/.test(kind)) return safeCodePoint(Number.parseInt(escape, 8));
    if (kind === 'c') return String.fromCharCode(escape.charCodeAt(1) & 0x1f);
    return C_ESCAPES[kind] ?? whole;
  });
}

function safeCodePoint(code: number): string {
  return code <= 0x10ffff ? String.fromCodePoint(code) : '';
}

/** Literal words anywhere inside a node's expansions (bounded), and `$NAME` for each variable it reads. */
function hintsOf(node: ShellNode): string[] {
  const hints: string[] = [];
  const visit = (current: ShellNode, depth: number) => {
    if (hints.length >= 64 || depth > 64) return;
    if (current.type === 'simple_expansion' || current.type === 'expansion') {
      const name = namedChildren(current).find((child) => child.type === 'variable_name');
      if (name) hints.push(`$${name.text}`);
    }
    if (current.type === 'word' || current.type === 'raw_string' || current.type === 'string') {
      const value = literalOf(current);
      if (value !== DYNAMIC) for (const part of value.split(/\s+/)) if (part) hints.push(part);
      if (current.type !== 'string') return;
    }
    for (const child of namedChildren(current)) visit(child, depth + 1);
  };
  visit(node, 0);
  return hints;
}

/** The variables a word or a here-document reads (`"$x"`, `${x}`), as `$NAME` hints: `bash <<< "$x"` runs what x holds. */
export function variablesRead(node: ShellNode, depth = 0): string[] {
  if (depth > 200) return [];
  const name = node.type === 'simple_expansion' || node.type === 'expansion' ? namedChildren(node).find((child) => child.type === 'variable_name') : undefined;
  return [...(name ? [`$${name.text}`] : []), ...namedChildren(node).flatMap((child) => variablesRead(child, depth + 1))];
}
