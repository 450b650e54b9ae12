import { SHELLS } from '../../policy/command-risk.js';
import { shellCode } from '../../policy/script-arguments.js';
import type { ShellCommand, ShellParser } from '../../policy/index.js';
import { redirectedCommand, wordsAfterRedirect } from '../../policy/redirect-words.js';
import { allChildren, evaluateWord, namedChildren, type ShellNode } from '../../policy/shell-syntax.js';

/** Which variables a line exports, for the commands it starts: `all` when it may export any (`set -a`, `. ./env.sh`, a name known at run time). */
export type ExportedVariables = { readonly names: ReadonlySet<string>; readonly all: boolean };

const NAME = /^([A-Za-z_][A-Za-z0-9_]*)(?:\+?=|$)/;

/**
 * The variables a line (and the `bash -c` strings it runs) exports: `export X`, `export X=1`, `declare -x X`,
 * or every one after `set -a` / `set -o allexport`, or code it runs in its own shell (`. ./env.sh`, `eval`).
 * A variable the line only assigns (`X=1; cmd`) stays the shell's own: a program the line starts does not get
 * it, unless it was in the environment already.
 */
export async function exportedVariables(command: string, commands: readonly ShellCommand[], parse: ShellParser): Promise<ExportedVariables> {
  const names = new Set<string>();
  let all = false;
  const scripts = commands.flatMap((found) => {
    if (!SHELLS.has(found.name)) return [];
    const script = shellCode(found.args, found.name);
    return script === undefined ? [] : [script];
  });
  for (const code of [command, ...scripts]) {
    await parse(code, (root) => {
      // `set 2>/dev/null -a`: the words after a redirection over the statement are the command's.
      const redirected = new Map<number, ShellNode[]>();
      const visit = (node: ShellNode, depth: number): void => {
        if (depth > 200) return;
        const command = node.type === 'redirected_statement' ? redirectedCommand(node.childForFieldName('body') ?? node) : undefined;
        if (command !== undefined) redirected.set(command.startIndex, [...(redirected.get(command.startIndex) ?? []), ...namedChildren(node).flatMap(wordsAfterRedirect)]);
        if (node.type === 'declaration_command') all ||= declared(node, names);
        else if (node.type === 'command' && exportsAny(node, redirected.get(node.startIndex) ?? [])) all = true;
        for (const child of namedChildren(node)) visit(child, depth + 1);
      };
      visit(root, 0);
    });
  }
  return { names, all };
}

/** Adds the names `export …` / `declare -x …` marks for export; true when one is known only at run time. */
function declared(node: ShellNode, names: Set<string>): boolean {
  const keyword = allChildren(node)[0]?.text;
  const children = namedChildren(node);
  const flags = children.filter((child) => child.type === 'word' && /^[-+]/.test(child.text)).map((child) => child.text);
  const exports = keyword === 'export' ? !flags.some((flag) => /^-[a-zA-Z]*n/.test(flag)) : flags.some((flag) => /^-[a-zA-Z]*x/.test(flag));
  if (!exports) return false;
  let unknown = false;
  for (const child of children) {
    if (child.type === 'word' && /^[-+]/.test(child.text)) continue;
    const text = child.type === 'variable_assignment' ? child.childForFieldName('name')?.text : child.type === 'variable_name' ? child.text : evaluateWord(child).literal;
    const name = text === undefined ? undefined : NAME.exec(text)?.[1];
    if (name === undefined) unknown = true;
    else names.add(name);
  }
  return unknown;
}

/** Code run in the line's own shell, which may export anything. */
const CODE_IN_SHELL = new Set(['.', 'source', 'eval']);

/** `set -a`, `set -ea`, `set -o allexport` (every variable assigned from then on is exported), `. ./env.sh`, `eval …`, or a program named at run time. */
function exportsAny(node: ShellNode, after: readonly ShellNode[]): boolean {
  const name = node.childForFieldName('name');
  if (name === null) return false;
  const program = evaluateWord(namedChildren(name)[0] ?? name).literal;
  if (program === undefined || CODE_IN_SHELL.has(program)) return true;
  if (program !== 'set') return false;
  const args = [...namedChildren(node), ...after]
    .filter((child) => child.startIndex > name.startIndex && !child.type.endsWith('_redirect'))
    .sort((a, b) => a.startIndex - b.startIndex)
    .map((child) => evaluateWord(child).literal ?? '');
  return args.some((word, i) => /^-[a-zA-Z]*a/.test(word) || (word === '-o' && args[i + 1] === 'allexport'));
}
