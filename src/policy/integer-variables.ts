import { recordArithmetic } from './variable-records.js';
import type { LineVariables } from './shell-variables.js';
import { allChildren, type ShellNode } from './shell-syntax.js';

/**
 * Bash evaluates as arithmetic what a line assigns to a variable with the integer attribute (`declare -i n;
 * n='x[$(rm -rf ~)]'`, `B=v` after `declare -i B`, `read n`, `printf -v n …`, `for n in …`), wherever the line
 * declares it: a loop may declare it before an assignment runs again. Each such text is recorded as arithmetic.
 */
export function recordIntegerAssignments(variables: LineVariables): void {
  if (variables.integers.size === 0) return;
  for (const { name, at, text } of variables.assigned) if (variables.integers.has(name)) recordArithmetic(variables, text, at);
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
