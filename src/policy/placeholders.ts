import type { Args } from './program-rules.js';
import type { ShellWord } from './shell-syntax.js';

/** What a `{{ template }}` stands for while a line is rated (classifyShell). */
export const TEMPLATE_HINT = '$KSA_TEMPLATE';

/**
 * Whether a word holds a `{{ template }}`: the call is rated again once it is filled in, before it runs, so the
 * template is taken as the operand it is written as, not as any option.
 */
export function holdsTemplate(word: ShellWord): boolean {
  return word.hints.includes(TEMPLATE_HINT);
}

/** How a word filled in at run time says which program fills it (a hint no shell word can produce). */
const FILLER = /^\(filled in by ([a-z]+)\)$/;

/**
 * A word holding a placeholder that a program fills in when it runs (`{}` of `find -exec`, `xargs -I{}`, `parallel`):
 * its value is a found file name or a line of input, which nobody reviewed. `mayBeOption`: whether the value may
 * start with `-` (an input line may; a name find prints starts with its starting point).
 */
function filledIn(word: ShellWord, by: string, mayBeOption: boolean): ShellWord {
  return { text: mayBeOption ? word.text : `"${word.text.replace(/["'\\$`]/g, '')}"`, hints: [`(filled in by ${by})`] };
}

/** The program that fills a word in at run time (`xargs`, `find`, `parallel`), when the word is such a placeholder. */
export function fillerOf(word: ShellWord): string | undefined {
  if (word.literal !== undefined) return undefined;
  for (const hint of word.hints) {
    const by = FILLER.exec(hint)?.[1];
    if (by !== undefined) return by;
  }
  return undefined;
}

/** The words, each one holding the placeholder made a word known only at run time (`sh -c {}` runs unknown code). */
export function withPlaceholders(words: readonly ShellWord[], holds: (text: string) => boolean, by: string, mayBeOption: boolean): ShellWord[] {
  return words.map((word) => (word.literal !== undefined && holds(word.literal) ? filledIn(word, by, mayBeOption) : word));
}

/**
 * The string xargs replaces with each input line: `-I R`, `-IR`, `-J R` (BSD), `-i`/`--replace` (`{}`), `-iR`,
 * `--replace=R`; undefined when xargs appends its input instead, or the string is known only at run time.
 */
export function xargsPlaceholder(flags: Args): string | undefined {
  for (let i = 0; i < flags.length; i++) {
    const text = flags[i];
    if (text === undefined) continue;
    if (text === '-I' || text === '-J') return flags[i + 1] || undefined;
    const attached = /^-[IJi](.+)$/.exec(text)?.[1] ?? /^--replace=(.+)$/.exec(text)?.[1];
    if (attached !== undefined) return attached;
    if (text === '-i' || text === '--replace') return '{}';
  }
  return undefined;
}

/** GNU parallel's replacement strings: `{}`, `{.}`, `{/}`, `{//}`, `{/.}`, `{#}`, `{%}`, `{1}`, `{2.}`… */
export const PARALLEL_PLACEHOLDER = /\{(?:[./#%]|\/\/|\/\.|[0-9]+[./]*)?\}/;

/** What follows parallel's command: its input as arguments (`::: a b`, `:::: file`, `:::+`, `::::+`). */
export const PARALLEL_INPUT = /^::::?\+?$/;

/**
 * The command parallel runs for each input: its words up to `:::`, the placeholders known only at run time; with no
 * placeholder, parallel adds the input at the end, as one more word.
 */
export function parallelCommand(words: readonly ShellWord[]): ShellWord[] {
  const end = words.findIndex((word) => word.literal !== undefined && PARALLEL_INPUT.test(word.literal));
  const command = end === -1 ? words : words.slice(0, end);
  const holds = (text: string) => PARALLEL_PLACEHOLDER.test(text);
  if (command.some((word) => word.literal !== undefined && holds(word.literal))) return withPlaceholders(command, holds, 'parallel', true);
  return [...command, { text: '{}', hints: ['(filled in by parallel)'] }];
}

const FIND_RUNS = new Set(['-exec', '-execdir', '-ok', '-okdir']);

/**
 * The commands find runs (each `-exec`, `-execdir`, `-ok`, `-okdir` up to its `;` or `+`), `{}` in them a name found
 * at run time: `find . -exec sh {} \;` runs each file found as a script, `-exec sh -c '{}'` each name as code.
 */
export function findCommands(args: Args, words: readonly ShellWord[]): { readonly command: ShellWord[]; readonly option: string }[] {
  const commands: { command: ShellWord[]; option: string }[] = [];
  for (let i = 0; i < args.length; i++) {
    const option = args[i];
    if (option === undefined || !FIND_RUNS.has(option)) continue;
    let end = i + 1;
    while (end < args.length && args[end] !== ';' && args[end] !== '+') end++;
    commands.push({ command: withPlaceholders(words.slice(i + 1, end), (text) => text.includes('{}') /* inside a word too (GNU) */, 'find', false), option });
    i = end;
  }
  return commands;
}
