import type { CommandContext } from './command-context.js';
import { withPlaceholders, xargsPlaceholder } from './placeholders.js';
import type { Args } from './program-rules.js';
import { literalWord, type ShellWord } from './shell-syntax.js';

/** How xargs cuts its input into arguments and commands, as its options before the command say. */
type Reading = {
  /** `-0`/`--null`: items end at NUL; `-d`: at this character; neither: blanks and newlines, quotes kept together. */
  readonly delimiter?: string;
  /** `-n N`: at most N items to a command; `-L`, `-l`, `-s` or an `-n` not known: groups decided at run time. */
  readonly maxArgs?: number | 'run time';
  /** `-a file`: the input is a file, not the standard input. */
  readonly fromFile?: true;
};

/** Short options of GNU and BSD xargs that take a value, attached or as the next word. */
const SHORT_VALUE = new Set(['a', 'd', 'E', 'I', 'J', 'L', 'n', 'P', 'R', 's', 'S']);
/** Short options whose value, if any, is attached (`-l5`, `-i{}`, `-eEOF`). */
const SHORT_OPTIONAL = new Set(['l', 'i', 'e']);

/** xargs's options as they cut its input; undefined when an option is known only at run time. */
function readingOf(flags: Args): Reading | undefined {
  let reading: { delimiter?: string; maxArgs?: number | 'run time'; fromFile?: true } = {};
  const grouped = (value: string | undefined) => (value !== undefined && /^[1-9][0-9]*$/.test(value) ? Number(value) : 'run time');
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i];
    if (flag === undefined) return undefined;
    if (flag === '--') break;
    const long = /^--([a-z-]+)(?:=(.*))?$/s.exec(flag);
    if (long) {
      const [, option, attached] = long;
      const value = () => attached ?? flags[++i];
      if (option === 'null') reading = { ...reading, delimiter: '\0' };
      else if (option === 'delimiter') {
        const delimiter = delimiterOf(value());
        if (delimiter === undefined) return undefined;
        reading = { ...reading, delimiter };
      } else if (option === 'max-args') reading = { ...reading, maxArgs: grouped(value()) };
      else if (option === 'max-lines' || option === 'max-chars') {
        if (option === 'max-chars' && attached === undefined) i++;
        reading = { ...reading, maxArgs: 'run time' };
      } else if (option === 'arg-file') {
        value();
        reading = { ...reading, fromFile: true };
      } else if ((option === 'max-procs' || option === 'process-slot-var') && attached === undefined) i++;
      continue;
    }
    if (!flag.startsWith('-') || flag === '-') continue;
    for (let at = 1; at < flag.length; at++) {
      const letter = flag[at]!;
      if (letter === '0') reading = { ...reading, delimiter: '\0' };
      else if (SHORT_OPTIONAL.has(letter)) {
        if (letter === 'l') reading = { ...reading, maxArgs: 'run time' };
        break;
      } else if (SHORT_VALUE.has(letter)) {
        const value = at + 1 < flag.length ? flag.slice(at + 1) : flags[++i];
        if (letter === 'd') {
          const delimiter = delimiterOf(value);
          if (delimiter === undefined) return undefined;
          reading = { ...reading, delimiter };
        } else if (letter === 'n') reading = { ...reading, maxArgs: grouped(value) };
        else if (letter === 'L' || letter === 's') reading = { ...reading, maxArgs: 'run time' };
        else if (letter === 'a') reading = { ...reading, fromFile: true };
        break;
      }
    }
  }
  return reading;
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\' };

/** The one character `-d` names: itself, a C escape (`\n`), octal (`\0`, `\012`) or hex (`\x0a`); undefined for any other. */
function delimiterOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.length === 1) return value;
  const escape = /^\\(?:([ntrabfv\\])|([0-7]{1,3})|x([0-9a-fA-F]{1,2}))$/.exec(value);
  if (!escape) return undefined;
  if (escape[1] !== undefined) return ESCAPES[escape[1]];
  return String.fromCharCode(escape[2] !== undefined ? parseInt(escape[2], 8) : parseInt(escape[3]!, 16));
}

/**
 * The items xargs reads by default: words split at blanks and newlines, where quotes and a backslash keep a word
 * together (`'kubectl delete ns prod'` is one item); undefined for an unmatched quote.
 */
function blankItems(input: string): string[] | undefined {
  const items: string[] = [];
  let item: string | undefined;
  for (let at = 0; at < input.length; at++) {
    const char = input[at]!;
    if (char === "'" || char === '"') {
      const end = input.indexOf(char, at + 1);
      const quoted = end === -1 ? undefined : input.slice(at + 1, end);
      if (quoted === undefined || quoted.includes('\n')) return undefined;
      item = (item ?? '') + quoted;
      at = end;
    } else if (char === '\\' && at + 1 < input.length) item = (item ?? '') + input[++at];
    else if (/[ \t\n]/.test(char)) {
      if (item !== undefined) items.push(item);
      item = undefined;
    } else item = (item ?? '') + char;
  }
  if (item !== undefined) items.push(item);
  return items;
}

/**
 * The arguments of each command xargs runs with its input: `echo 'kubectl delete ns prod' | xargs -0 sh -c` runs
 * `sh -c` with the whole line as one argument, its code. Several lists when groups are cut by size, each item also
 * on its own when where they are cut is known only at run time; undefined when the input or how it is cut is not known.
 */
export function xargsArguments(flags: Args, input: string | undefined): string[][] | undefined {
  const reading = readingOf(flags);
  if (reading === undefined || reading.fromFile || input === undefined) return undefined;
  let items: string[] | undefined;
  if (reading.delimiter === undefined) items = blankItems(input);
  else {
    items = input.split(reading.delimiter);
    if (items.at(-1) === '') items.pop();
  }
  if (items === undefined) return undefined;
  const { maxArgs } = reading;
  if (maxArgs === undefined || items.length <= 1) return [items];
  if (maxArgs === 'run time') return [items, ...items.map((item) => [item])];
  const groups: string[][] = [];
  for (let at = 0; at < items.length; at += maxArgs) groups.push(items.slice(at, at + maxArgs));
  return groups;
}

/** The input xargs adds to a command, when it is not known: a word only known at run time. */
export const XARGS_INPUT: ShellWord = { text: '(xargs input)', hints: [] };

/**
 * The commands xargs runs: its words and the arguments it reads (`echo delete ns prod | xargs kubectl` runs
 * `kubectl delete ns prod`, `… | xargs -0 sh -c` the whole input as code), or a word known only at run time;
 * with -I the input goes where {} is written.
 */
export function xargsCommands(args: readonly ShellWord[], command: readonly ShellWord[], context: CommandContext): readonly (readonly ShellWord[])[] {
  const texts = args.slice(0, args.length - command.length).map((word) => word.literal);
  // `xargs -I{} sh -c {}`: each input line goes where the string is, as code there.
  const placeholder = xargsPlaceholder(texts);
  if (placeholder !== undefined) return [withPlaceholders(command, (text) => text.includes(placeholder), 'xargs', true)];
  if (texts.some((text) => text !== undefined && /^(-I|-i|--replace)/.test(text))) return [command];
  const stdin = context.stdin;
  const groups = xargsArguments(texts, stdin.kind === 'text' || stdin.kind === 'pipe' ? stdin.literal : undefined);
  if (groups !== undefined) return groups.map((group) => [...command, ...group.map(literalWord)]);
  return [[...command, XARGS_INPUT]];
}
