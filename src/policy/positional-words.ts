import { allChildren, evaluateWord, namedChildren, type ShellNode, type ShellWord } from './shell-syntax.js';

/** `for n in "$@"` inside a function: the loop variable holds, in turn, each word of the call its words give. */
export interface ArgumentLoop {
  readonly name: string;
  /** The loop's words, each reading the positional parameters (`"$@"`, `$1`); `for n; do` reads `"$@"`. */
  readonly words: readonly ShellWord[];
  /** Where its body runs. */
  readonly from: number;
  readonly to: number;
}

/** `"$1"`, `${2}`, `$@`, `"${@}"`, `"$*"`: a word that is one positional parameter, or all of them. */
const POSITIONAL_WORD = /^("?)\$(?:\d|\{(?:\d+|[@*])\}|[@*])\1$/;
const ALL_ARGUMENTS: ShellWord = { text: '"$@"', hints: ['$@'] };

/** The `for` loops of a line over positional parameters only (`for n in "$@"`, `for n; do`). */
export function argumentLoops(root: ShellNode): ArgumentLoop[] {
  const loops: ArgumentLoop[] = [];
  const walk = (node: ShellNode, depth: number): void => {
    if (depth > 500) return;
    if (node.type === 'for_statement' && allChildren(node)[0]?.text === 'for') {
      const variable = namedChildren(node).find((child) => child.type === 'variable_name');
      const body = node.childForFieldName('body');
      const words = namedChildren(node).filter((child) => child !== variable && child.startIndex !== variable?.startIndex && child.startIndex !== body?.startIndex && child.type !== 'comment');
      const written = allChildren(node).some((child) => !child.isNamed && child.text === 'in');
      if (variable !== undefined && body !== null && (written ? words.length > 0 && words.every((word) => POSITIONAL_WORD.test(word.text)) : true)) {
        loops.push({ name: variable.text, words: written ? words.map(evaluateWord) : [ALL_ARGUMENTS], from: body.startIndex, to: body.startIndex + body.text.length });
      }
    }
    for (const child of namedChildren(node)) walk(child, depth + 1);
  };
  walk(root, 0);
  return loops;
}

/**
 * `set -- prod staging`, `set prod`: the positional parameters a statement of the line itself (not in a branch, a
 * loop or the background) sets, by where it starts; undefined words when they are options (`set -e`).
 */
export function setArguments(root: ShellNode): ReadonlyMap<number, readonly ShellWord[]> {
  const found = new Map<number, readonly ShellWord[]>();
  const statements = allChildren(root);
  statements.forEach((statement, i) => {
    if (statement.type !== 'command' || statements[i + 1]?.text === '&') return;
    const [name, ...args] = namedChildren(statement).filter((child) => child.type !== 'variable_assignment' && child.type !== 'file_redirect');
    if (name === undefined || evaluateWord(name).literal !== 'set') return;
    const words = args.map(evaluateWord);
    if (words[0]?.literal === '--') found.set(statement.startIndex, words.slice(1));
    else if (words[0] !== undefined && words[0].literal !== undefined && !/^[-+]/.test(words[0].literal)) found.set(statement.startIndex, words);
  });
  return found;
}
