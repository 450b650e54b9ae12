import { allChildren, namedChildren, type ShellNode } from './shell-syntax.js';

/**
 * Commands of a line by where they start: `before`, for each command, those that surely succeeded before it runs
 * (`a && b` runs b only once a has succeeded); `whole`, those that surely succeeded when the line does (its status
 * is its last statement's: `bash -c 'a && b'` succeeds only when a and b did). A list joined by `;`, `||` or a pipe
 * promises nothing of the commands before the last (`a | b && c`: only b; `a || b && c`: neither), nor does `! a`.
 */
export function succeededBefore(root: ShellNode): { readonly before: Map<number, Set<number>>; readonly whole: number[] } {
  const found = new Map<number, Set<number>>();
  const walk = (node: ShellNode): void => {
    if (node.type === 'list' && operatorOf(node) === '&&') {
      const parts = namedChildren(node);
      const succeeded = surelySucceeded(parts[0]!);
      for (const command of commandsIn(parts.at(-1)!)) {
        const before = found.get(command) ?? new Set<number>();
        for (const start of succeeded) before.add(start);
        found.set(command, before);
      }
    }
    for (const child of namedChildren(node)) walk(child);
  };
  walk(root);
  return { before: found, whole: surelySucceeded(root) };
}

function operatorOf(list: ShellNode): string | undefined {
  return allChildren(list).find((child) => !child.isNamed)?.text;
}

/** The commands whose success the statement's success implies, by where they start. */
function surelySucceeded(node: ShellNode): number[] {
  const parts = namedChildren(node).filter((child) => child.type !== 'comment');
  switch (node.type) {
    case 'command':
      return [node.startIndex];
    case 'list':
      return operatorOf(node) === '&&' ? parts.flatMap(surelySucceeded) : [];
    // A pipeline's status is its last command's; a group's, its last statement's.
    case 'program':
    case 'pipeline':
    case 'subshell':
    case 'compound_statement':
      return parts.length === 0 ? [] : surelySucceeded(parts.at(-1)!);
    case 'redirected_statement': {
      const body = node.childForFieldName('body');
      return body === null ? [] : surelySucceeded(body);
    }
    default:
      return [];
  }
}

function commandsIn(node: ShellNode): number[] {
  return [...(node.type === 'command' ? [node.startIndex] : []), ...namedChildren(node).flatMap(commandsIn)];
}
