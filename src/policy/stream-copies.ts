import { behindWrappers } from './behind-wrappers.js';
import type { CommandStreams } from './command-streams.js';
import type { CopyTargets } from './copy-targets.js';
import { programName } from './program-name.js';
import type { ShellWord } from './shell-syntax.js';

const STDIN = Symbol('stdin');
const STDOUT = Symbol('stdout');

/** What a program passes on unchanged: the files it reads (or its standard input) and those it writes (or its standard output). */
type Flow = { readonly reads: readonly (string | undefined | typeof STDIN)[]; readonly writes: readonly (string | undefined | typeof STDOUT)[] };

/**
 * What each command of a line copies byte for byte through its standard input and output: `cat p > q`, `cat < p > q`,
 * `tee q < p`, `dd if=p of=q`, `pv p > q`, and through a pipe: `cat p | tee q`, `cat p | dd of=q`. A program that
 * changes what it passes on (`gzip`, `grep`) makes no copy. By the command's index among `commands`.
 */
export function streamCopies(commands: readonly (readonly ShellWord[])[], streams: readonly CommandStreams[]): CopyTargets[][] {
  const flows = commands.map((words) => passesOn(behindWrappers(words)));
  // A command piped into another comes before it on the line, so following pipes backwards ends.
  const content = (i: number): (string | undefined)[] => (flows[i]?.reads ?? []).flatMap((read) => (read !== STDIN ? [read] : stdinFiles(i)));
  const stdinFiles = (i: number): (string | undefined)[] => {
    const { input, pipedFrom } = streams[i] ?? { input: [] };
    return input.length > 0 ? input : pipedFrom !== undefined && pipedFrom < i ? content(pipedFrom) : [];
  };
  return commands.map((_, i) => {
    const from = content(i);
    if (from.length === 0) return [];
    const targets = flows[i]!.writes.flatMap((write) => (write !== STDOUT ? [write] : (streams[i]?.output ?? [])));
    return targets.map((to) => ({ from, to, into: false }));
  });
}

function passesOn(words: readonly ShellWord[]): Flow | undefined {
  const program = words[0]?.literal;
  if (program === undefined) return undefined;
  const name = programName(program);
  const args = words.slice(1);
  if (name === 'dd') {
    // dd reads `if=` (else its standard input) and writes `of=` (else its standard output).
    const operand = (key: string) => args.findLast((word) => (word.literal ?? word.text).startsWith(`${key}=`));
    const value = (word: ShellWord) => word.literal?.slice(3);
    const input = operand('if');
    const output = operand('of');
    return { reads: [input === undefined ? STDIN : value(input)], writes: [output === undefined ? STDOUT : value(output)] };
  }
  const files = operands(args);
  if (name === 'cat' || name === 'pv') return { reads: files.length === 0 ? [STDIN] : files.map((file) => (file === '-' ? STDIN : file)), writes: [STDOUT] };
  if (name === 'tee') return { reads: [STDIN], writes: [...files, STDOUT] };
  return undefined;
}

/** The words that are not options (`-a`, `--append`), each as its file's name (undefined: named at run time); all of them after `--`. */
function operands(args: readonly ShellWord[]): (string | undefined)[] {
  const end = args.findIndex((word) => word.literal === '--');
  return args.flatMap((word, i) => (end !== -1 && i > end ? [word.literal] : i === end || (word.literal !== undefined && word.literal.startsWith('-') && word.literal !== '-') ? [] : [word.literal]));
}
