import { recordArithmetic } from './variable-records.js';
import { functionBodies, type LineVariables } from './shell-variables.js';
import { allChildren, namedChildren, type ShellNode } from './shell-syntax.js';

/**
 * Bash evaluates as arithmetic what a line assigns to a variable with the integer attribute (`declare -i n;
 * n='x[$(rm -rf ~)]'`, `B=v` after `declare -i B`, `read n`, `printf -v n …`, `for n in …`), wherever the line
 * declares it: a loop may declare it before an assignment runs again. Each such text is recorded as arithmetic.
 * The value it leaves is a whole number, so a literal expression (`count=count+1`, `n=n*2`) gives one the line may
 * count with: whether it reads text is told where it is evaluated.
 */
export function recordIntegerAssignments(variables: LineVariables, root: ShellNode): void {
  if (variables.integers.size === 0) return;
  const integerAt = integerPlaces(variables, root);
  for (const { name, at, text, value } of variables.assigned) {
    // `declare -n r=n; r=$X` assigns to n; a reference may name another (a few steps are followed).
    const names = [name];
    for (let next = variables.references.get(name); next !== undefined && next.at !== at && names.length < 8 && !names.includes(next.name); next = variables.references.get(next.name)) names.push(next.name);
    if (!names.some((each) => integerAt(each, at))) continue;
    recordArithmetic(variables, text, at);
    if (value !== undefined && LITERAL_ARITHMETIC.test(text)) variables.counted.add(`${name}\0${value}`);
  }
}

/** Numbers, names, operators, parentheses: no expansion, subscript, base (`16#ff`) or quote. */
const LITERAL_ARITHMETIC = /^[\sA-Za-z0-9_+\-*\/%()<>=!&|^~?:,]+$/;

/**
 * Whether a variable may have the integer attribute where the line assigns it. `local -i n` (and declare/typeset
 * without -g) in a function gives it for the call only: to an assignment in some function body, which that call may
 * run, never to one outside every function. `declare +i n` and `unset n` take it off for what follows, when they are
 * statements of the line itself (not in a branch, a loop, a function or the background) after every declaration
 * outside functions: an assignment in a function body may run before them, and a declaration in one after them.
 */
function integerPlaces(variables: LineVariables, root: ShellNode): (name: string, at: number) => boolean {
  const bodies = functionBodies(root).map((body) => ({ from: body.startIndex, to: body.startIndex + body.text.length }));
  const inFunction = (at: number) => bodies.some((body) => body.from <= at && at < body.to);
  const statements = allChildren(root);
  // `unset n && …` runs the unset every time; `unset n | cat` runs it in a subshell of its own.
  const dropping = (node: ShellNode | undefined): boolean =>
    node !== undefined && (node.type === 'unset_command' || node.type === 'declaration_command' || (node.type === 'list' && dropping(namedChildren(node)[0])));
  const firm = new Set(statements.filter((statement, i) => dropping(statement) && statements[i + 1]?.text !== '&').map((statement) => statement.startIndex));
  const drops = variables.integerDrops.filter((drop) => firm.has(drop.at));
  return (name, at) =>
    variables.integerDeclarations.some((declaration) => {
      if (declaration.name !== name) return false;
      if (inFunction(declaration.at)) return declaration.local ? inFunction(at) : true;
      return inFunction(at) || !drops.some((drop) => drop.name === name && declaration.at < drop.at && drop.at < at);
    });
}

/**
 * `${s:v}`, `${s:$v:2}`, `${a[@]:v:1}`, `${s: -v}`: the offset and length of a substring are arithmetic. tree-sitter-bash
 * reads some of these spellings as an error or cuts the expansion short (`${s:$v}`), so the text is read from the line.
 */
export function recordSubstrings(variables: LineVariables, root: ShellNode): void {
  const source = root.text;
  const seen = new Set<number>();
  const walk = (node: ShellNode): void => {
    if ((node.type === 'expansion' || node.type === 'ERROR') && source.startsWith('${', node.startIndex - root.startIndex) && !seen.has(node.startIndex)) {
      seen.add(node.startIndex);
      const operands = substringOperands(source, node.startIndex - root.startIndex);
      if (operands !== undefined) recordArithmetic(variables, operands, node.startIndex);
    }
    for (const child of allChildren(node)) walk(child);
  };
  walk(root);
}

/** `${NAME:`, `${!NAME:`, `${@:`, `${1:`, `${a[…]:`, but not `${x:-…}`, `${x:=…}`, `${x:+…}`, `${x:?…}` (a space before `-` makes it an offset). */
const SUBSTRING = /^\$\{!?(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*])(?:\[[^\]]*\])?:(?![-=+?])/;

/** The text between the substring's first `:` and its closing brace (`v:1` of `${a[@]:v:1}`), or undefined. */
function substringOperands(source: string, at: number): string | undefined {
  const head = SUBSTRING.exec(source.slice(at));
  if (head === null) return undefined;
  const start = at + head[0].length;
  let depth = 1;
  let quote: string | undefined;
  for (let i = start; i < source.length; i++) {
    const char = source[i]!;
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"') i++;
    } else if (char === '\\') i++;
    else if (char === "'" || char === '"') quote = char;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return source.slice(start, i);
  }
  // An expansion never closed: all the rest may be read as its operands.
  return source.slice(start);
}
