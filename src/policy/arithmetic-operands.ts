import { namedChildren, type ShellNode } from './shell-syntax.js';

/** The operands of `[[ … ]]` bash evaluates as arithmetic: both sides of -eq, -ne, -lt…. */
export function testArithmetic(node: ShellNode): string[] {
  return testOperands(node, (operator) => /^-(?:eq|ne|lt|le|gt|ge)$/.test(operator), 'binary_expression');
}

/** What `-v` tests in `[[ … ]]` or `[ … ]`, without its quotes: `a[$i]` names an element, whose subscript is arithmetic. */
export function testedNames(node: ShellNode): string[] {
  return testOperands(node, (operator) => operator === '-v', 'unary_expression').map((operand) => operand.replace(/["']/g, ''));
}

function testOperands(node: ShellNode, operatorIs: (operator: string) => boolean, type: string): string[] {
  const operands: string[] = [];
  const walk = (part: ShellNode): void => {
    const children = namedChildren(part);
    const operator = children.find((child) => child.type === 'test_operator')?.text;
    if (part.type === type && operator !== undefined && operatorIs(operator)) operands.push(...children.filter((child) => child.type !== 'test_operator').map((child) => child.text));
    else children.forEach(walk);
  };
  walk(node);
  return operands;
}

/**
 * What arithmetic text reads, as bash evaluates it: a variable's value (`$n`, `${n}` or a bare `n`) is itself evaluated
 * as an expression, so it counts by what it may hold; other expansions (`$(…)`, a backquote, `$1`, `${x:-…}`) give
 * text read at run time (`${n:-0}` reads n). Numbers, `$?`, `$#`, `${#x}` and a nested `$((…))` (read on its own) read nothing.
 */
export type ArithmeticRead = { readonly spelled: string; readonly name?: string };

const READS =
  /\$\(\(|\$\(|`|\$\{#[^}]*\}|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-=][0-9]+)?\}|\$\{[^}]*\}?|\$([A-Za-z_][A-Za-z0-9_]*)|\$[?#$!]|\$[0-9@*-]|[0-9]+#[0-9A-Za-z@_]+|[0-9][0-9A-Za-z_]*|([A-Za-z_][A-Za-z0-9_]*)/g;

export function arithmeticReads(text: string): ArithmeticRead[] {
  const reads: ArithmeticRead[] = [];
  for (const match of text.matchAll(READS)) {
    const [spelled, braced, plain, bare] = match;
    const name = braced ?? plain ?? bare;
    // `(( F = 0 ))` assigns F without reading what it held; `F += 1` reads it.
    if (bare !== undefined && /^\s*=(?!=)/.test(text.slice(match.index + spelled.length))) continue;
    if (name !== undefined) reads.push({ spelled, name });
    else if (spelled === '$(' || spelled === '`' || /^\$(?:[0-9@*-]|\{(?!#))/.test(spelled)) reads.push({ spelled: codeAt(text, match.index) });
  }
  return reads;
}

/** The expansion starting at `at`, for a message: `$(cat f)`, up to its closing parenthesis when on the same text. */
function codeAt(text: string, at: number): string {
  const open = text[at + 1] === '(' ? '(' : text[at + 1] === '{' ? '{' : undefined;
  if (open === undefined) return text.slice(at, text[at] === '`' ? text.indexOf('`', at + 1) + 1 || undefined : at + 2);
  const close = open === '(' ? ')' : '}';
  let depth = 0;
  for (let i = at + 1; i < text.length; i++) {
    if (text[i] === open) depth++;
    else if (text[i] === close && --depth === 0) return text.slice(at, i + 1);
  }
  return text.slice(at);
}
