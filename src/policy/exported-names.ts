import { allChildren, namedChildren, type ShellNode } from './shell-syntax.js';

/** Where a line exports a variable (`export NS=prod`, `export NS`, `declare -x NS`); `*`: every one (`set -a`). */
export type Export = { readonly name: string; readonly at: number };

const DECLARING = new Set(['declare', 'typeset', 'local', 'readonly']);

/**
 * The places a line marks variables for export, so a shell it then starts gets their values: a child shell reads
 * what the line gave them, not the step's. `export -n` and `declare +x` take the mark off, and are not counted.
 */
export function lineExports(root: ShellNode): Export[] {
  const exports: Export[] = [];
  const walk = (node: ShellNode) => {
    if (node.type === 'declaration_command') {
      const keyword = allChildren(node)[0]?.text;
      const children = namedChildren(node);
      const flags = children.filter((child) => child.type === 'word' && /^[-+]/.test(child.text)).map((child) => child.text);
      const marks = keyword === 'export' ? !flags.some((flag) => /^-[A-Za-z]*[nf]/.test(flag)) : DECLARING.has(keyword ?? '') && flags.some((flag) => /^-[A-Za-z]*x/.test(flag));
      if (marks) {
        for (const child of children) {
          const name = child.type === 'variable_assignment' ? child.childForFieldName('name')?.text : child.type === 'variable_name' ? child.text : undefined;
          if (name !== undefined) exports.push({ name, at: node.startIndex });
        }
      }
    } else if (node.type === 'command') {
      // `set -a`, `set -o allexport`: every variable the line sets from there on is exported.
      const words = namedChildren(node).map((child) => child.text);
      if (words[0] === 'set' && words.slice(1).some((word, i, rest) => /^-[A-Za-z]*a/.test(word) || (word === '-o' && rest[i + 1] === 'allexport'))) exports.push({ name: '*', at: node.startIndex });
    }
    for (const child of namedChildren(node)) walk(child);
  };
  walk(root);
  return exports;
}

/** Whether the variable is marked for export before `at` in the line. */
export function exportedBefore(exports: readonly Export[], name: string, at: number): boolean {
  return exports.some((entry) => (entry.name === name || entry.name === '*') && entry.at < at);
}
