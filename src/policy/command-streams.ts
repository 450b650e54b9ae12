import { redirectTarget } from './redirect-words.js';
import { allChildren, joinedWords, namedChildren, type ShellNode } from './shell-syntax.js';

/**
 * Where a command's standard input comes from and its standard output goes: the files of its `< p` and `> q`
 * redirections (undefined: named only at run time), and the command of the line whose output is piped into it.
 */
export interface CommandStreams {
  readonly input: (string | undefined)[];
  readonly output: (string | undefined)[];
  /** The index, among the line's commands, of the one piped into it (`cat p | tee q`). */
  pipedFrom?: number;
}

export function noStreams(): CommandStreams {
  return { input: [], output: [] };
}

/** `>`, `>>`, `>|` (of fd 1 or none), `&>`, `&>>`: the command's standard output goes to the file. */
const OUTPUT = /^(>|>>|>\||&>|&>>)$/;

/** Records a `< p`, `0< p`, `> q`, `1>> q` or `&> q` redirection; other descriptors (`2> log`) carry no output. */
export function recordRedirect(node: ShellNode, streams: CommandStreams): void {
  if (node.type !== 'file_redirect') return;
  const operator = allChildren(node).find((child) => !child.isNamed)?.text ?? '';
  const descriptor = namedChildren(node).find((child) => child.type === 'file_descriptor')?.text;
  const target = redirectTarget(node);
  if (target === undefined) return;
  const file = joinedWords(target)[0]!.literal;
  if (operator === '<' && (descriptor === undefined || descriptor === '0')) streams.input.push(file);
  if (OUTPUT.test(operator) && (descriptor === undefined || descriptor === '1' || operator.startsWith('&'))) streams.output.push(file);
}

/**
 * `{ cat p; } > q`, `cat p | tee x > q`: a statement's redirections reach the commands from `start` on that it runs,
 * its input those no pipe feeds, its output those that feed no pipe (tree-sitter-bash puts `> q` over the pipeline).
 */
export function addStreams(units: readonly { readonly streams: CommandStreams }[], start: number, from: CommandStreams): void {
  const feeding = new Set(units.map((unit) => unit.streams.pipedFrom));
  for (const [i, unit] of units.entries()) {
    if (i < start) continue;
    if (unit.streams.pipedFrom === undefined) unit.streams.input.push(...from.input);
    if (!feeding.has(i)) unit.streams.output.push(...from.output);
  }
}
