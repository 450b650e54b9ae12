import { allChildren, namedChildren, type ShellNode } from './shell-syntax.js';

/**
 * Bash lets a redirection stand anywhere among a simple command's words (`terraform 2>/dev/null destroy`,
 * `echo >out hi`, `cat <<EOF x`). tree-sitter-bash hangs the words after a redirection under it (extra
 * `destination`s of `2>/dev/null destroy`, `argument`s of a here-document) and the redirection over the statement,
 * so these helpers give them back to the command they belong to.
 */

/** The words written after a redirection's target: `destroy -auto-approve` in `2>/dev/null destroy -auto-approve`. */
export function wordsAfterRedirect(redirect: ShellNode): ShellNode[] {
  if (redirect.type === 'heredoc_redirect') return present(redirect.childrenForFieldName('argument'));
  if (redirect.type !== 'file_redirect') return [];
  const groups = targetGroups(redirect);
  return (closes(redirect) ? groups : groups.slice(1)).flat();
}

/**
 * A redirection's target, the parts written with no blank between them (`>out\`date\`` is one word), and undefined
 * when it has none (`>&-`).
 */
export function redirectTarget(redirect: ShellNode): ShellNode[] | undefined {
  return closes(redirect) ? undefined : targetGroups(redirect)[0];
}

/** `2>&-`, `<&-`: closes a descriptor; the words after it are all the command's. */
function closes(redirect: ShellNode): boolean {
  return redirect.type === 'file_redirect' && allChildren(redirect).some((child) => !child.isNamed && /^[<>]&-$/.test(child.text));
}

/** The redirections a here-document's line holds after it: `2>/dev/null` in `cat <<EOF 2>/dev/null`. */
export function redirectsAfterHereDocument(redirect: ShellNode): ShellNode[] {
  return redirect.type === 'heredoc_redirect' ? present(redirect.childrenForFieldName('redirect')) : [];
}

/**
 * The simple command a statement's redirection belongs to: bash reads `a | b >o x` and `a && b >o x` as b's, where
 * tree-sitter-bash puts the redirection over the pipeline or the list. Undefined for a compound command
 * (`(ls) >o x`), which takes no words after it.
 */
export function redirectedCommand(body: ShellNode, depth = 0): ShellNode | undefined {
  if (depth > 200) return undefined;
  if (body.type === 'command') return body;
  if (body.type === 'pipeline' || body.type === 'list' || body.type === 'negated_command') {
    const last = namedChildren(body).at(-1);
    return last === undefined ? undefined : redirectedCommand(last, depth + 1);
  }
  if (body.type === 'redirected_statement') {
    const inner = body.childForFieldName('body');
    return inner === null ? undefined : redirectedCommand(inner, depth + 1);
  }
  return undefined;
}

/**
 * `{fd}>file`, `0<&3`: a name in braces or a number written right before a redirection is its descriptor (or the
 * variable bash puts it in), where tree-sitter-bash may read a word of the command.
 */
const DESCRIPTOR = /^(\{[A-Za-z_][A-Za-z0-9_]*\}|[0-9]+)$/;

/** Whether a word is a redirection's descriptor (written right before one that starts at one of `redirectStarts`), not an argument. */
export function isDescriptor(word: ShellNode, redirectStarts: ReadonlySet<number>): boolean {
  return DESCRIPTOR.test(word.text) && redirectStarts.has(word.startIndex + word.text.length);
}

/** A file redirection's destinations, grouped by the blanks between them: the target, then each word after it. */
function targetGroups(redirect: ShellNode): ShellNode[][] {
  if (redirect.type !== 'file_redirect') return [];
  const groups: ShellNode[][] = [];
  for (const part of present(redirect.childrenForFieldName('destination'))) {
    const last = groups.at(-1)?.at(-1);
    if (last !== undefined && last.startIndex + last.text.length === part.startIndex) groups.at(-1)!.push(part);
    else groups.push([part]);
  }
  return groups;
}

function present(nodes: readonly (ShellNode | null)[]): ShellNode[] {
  return nodes.filter((node): node is ShellNode => node !== null);
}
