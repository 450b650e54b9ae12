import type { Node, Parser, Tree } from 'web-tree-sitter';
import type { ShellNode } from '../policy/index.js';

/**
 * tree-sitter-bash reads `>&-` and `<&-` (`2>&-`, `0<&-`: close a descriptor) as one token that takes at most one word
 * after it, so the words a command has after it fall into ERROR nodes or a second command (`git 2>&- clean -fdx` as
 * `git` and `fdx`; `kubectl 2>&- delete ns prod` as `kubectl` and `ns prod`), even split (`-fdx` as `-` and `fdx`).
 * bash reads the `-` as the redirection's word, as in `2>& -`: the line is parsed again with each such `-` written as a
 * descriptor number, which tree-sitter-bash reads as `2>&1 clean -fdx` (the redirection's word, then the command's
 * words), and its nodes show the text as written (one character for one, so every offset holds).
 */
export function parseClosingDescriptors(parser: Parser, command: string, tree: Tree): Tree | undefined {
  if (!command.includes('&-')) return undefined;
  const dashes: number[] = [];
  collectCloses(tree.rootNode, dashes, 0);
  if (dashes.length === 0) return undefined;
  let rewritten = command;
  for (const at of dashes) rewritten = `${rewritten.slice(0, at)}0${rewritten.slice(at + 1)}`;
  return parser.parse(rewritten) ?? undefined;
}

/** Where the `-` of each `>&-`/`<&-` token is (the token's last character). */
function collectCloses(node: Node, dashes: number[], depth: number): void {
  if (depth > 2000) return;
  for (const child of node.children) {
    if (child === null) continue;
    if (!child.isNamed && (child.type === '>&-' || child.type === '<&-')) dashes.push(child.startIndex + child.text.length - 1);
    else collectCloses(child, dashes, depth + 1);
  }
}

/** A node of the re-parsed line that reads its text from the line as written. */
export class WrittenNode implements ShellNode {
  constructor(
    private readonly node: Node,
    private readonly written: string,
  ) {}

  get type(): string {
    return this.node.type;
  }

  get text(): string {
    return this.written.slice(this.node.startIndex, this.node.startIndex + this.node.text.length);
  }

  get isNamed(): boolean {
    return this.node.isNamed;
  }

  get hasError(): boolean {
    return this.node.hasError;
  }

  get startIndex(): number {
    return this.node.startIndex;
  }

  get children(): (ShellNode | null)[] {
    return this.node.children.map((child) => this.wrap(child));
  }

  get namedChildren(): (ShellNode | null)[] {
    return this.node.namedChildren.map((child) => this.wrap(child));
  }

  childForFieldName(name: string): ShellNode | null {
    return this.wrap(this.node.childForFieldName(name));
  }

  childrenForFieldName(name: string): (ShellNode | null)[] {
    return this.node.childrenForFieldName(name).map((child) => this.wrap(child));
  }

  private wrap(child: Node | null): ShellNode | null {
    return child === null ? null : new WrittenNode(child, this.written);
  }
}
